package dev.perfgate.reports.history;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The trend site: static HTML generated from the history, one page per environment and an index of them, that
 * opens from disk and works offline (uPlot, MIT, from its WebJar, is copied beside the pages; nothing is fetched).
 * Per simulation and request it draws client and server p50/p95/p99, throughput, error rate and SQL statements per
 * request over runs, the commit and date of the run under the cursor, every change point ({@link ChangePoints},
 * red where it made things worse, green where better) and the budgets as lines; per JMH benchmark its score with its
 * confidence interval as a band. The page leads with the verdict: the worsening change points that hold at the end
 * of each series.
 *
 * <p>Change points over a long series are searched in windows of {@value #WINDOW} runs overlapping by half (the
 * permutation test over a thousand points would cost minutes for nothing: a change is local), and merged.
 */
public final class TrendSite {
    static final int WINDOW = 100;
    private static final String UPLOT = "META-INF/resources/webjars/uplot/" + uplotVersion() + "/";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TrendSite() {
    }

    /** What was written: the index page and, per environment, its page and counts. */
    public record Written(Path index, Map<String, Path> pages, int runs, int series, int changePoints) {
    }

    /** Generates the site for every environment of the history into {@code dir}, reporting progress to {@code out}. */
    public static Written write(History history, Path dir, PrintStream out) {
        try {
            Files.createDirectories(dir);
            copy(UPLOT + "dist/uPlot.iife.min.js", dir.resolve("uPlot.iife.min.js"));
            copy(UPLOT + "dist/uPlot.min.css", dir.resolve("uPlot.min.css"));
            copy(UPLOT + "LICENSE", dir.resolve("uPlot.LICENSE.txt"));
            copy("dev/perfgate/reports/history/trends.js", dir.resolve("trends.js"));
            copy("dev/perfgate/reports/history/trends.css", dir.resolve("trends.css"));
            Map<String, Path> pages = new LinkedHashMap<>();
            List<Map<String, Object>> listed = new ArrayList<>();
            int runs = 0;
            int series = 0;
            int changes = 0;
            for (String env : history.environments()) {
                History.Loaded loaded = history.load(env);
                long started = System.nanoTime();
                Map<String, Object> data = data(env, loaded, out);
                String file = env + ".html";
                Files.writeString(dir.resolve(env + ".data.js"), "window.PERFGATE_TRENDS = "
                        + MAPPER.writeValueAsString(data) + ";\n", StandardCharsets.UTF_8);
                Files.writeString(dir.resolve(file), page("perfgate trends: " + env, env + ".data.js"),
                        StandardCharsets.UTF_8);
                pages.put(env, dir.resolve(file));
                int s = ((List<?>) data.get("series")).size();
                int c = ((Number) data.get("changePoints")).intValue();
                runs += loaded.entries().size();
                series += s;
                changes += c;
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("environment", env);
                row.put("page", file);
                row.put("runs", loaded.entries().size());
                row.put("series", s);
                row.put("changePoints", c);
                row.put("worsening", ((List<?>) data.get("verdict")).size());
                row.put("problems", loaded.problems().size());
                row.put("latest", loaded.entries().isEmpty() ? null
                        : loaded.entries().getLast().startedAt().toString());
                listed.add(row);
                out.printf("perfgate: trend site %s: %d runs, %d series, %d change points (%d ms)%n", env,
                        loaded.entries().size(), s, c, (System.nanoTime() - started) / 1_000_000);
            }
            Map<String, Object> index = new LinkedHashMap<>();
            index.put("generatedAt", Instant.now().toString());
            index.put("environments", listed);
            Files.writeString(dir.resolve("index.data.js"), "window.PERFGATE_TREND_INDEX = "
                    + MAPPER.writeValueAsString(index) + ";\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("index.html"), page("perfgate trends", "index.data.js"),
                    StandardCharsets.UTF_8);
            return new Written(dir.resolve("index.html"), pages, runs, series, changes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the trend site to " + dir, e);
        }
    }

    /** The page's data: runs, series with their change points and budgets, the verdict and the skipped entries. */
    static Map<String, Object> data(String env, History.Loaded loaded, PrintStream out) {
        List<HistoryEntry> entries = loaded.entries();
        Map<HistoryEntry, Integer> index = new java.util.IdentityHashMap<>();
        List<Map<String, Object>> runs = new ArrayList<>();
        for (HistoryEntry e : entries) {
            index.put(e, runs.size());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", e.id());
            r.put("commit", e.shortCommit());
            r.put("at", e.startedAt().toString());
            r.put("group", e.group());
            r.put("valid", e.valid());
            runs.add(r);
        }
        Map<String, Series> all = Series.of(entries);
        List<Map<String, Object>> series = new ArrayList<>();
        List<Map<String, Object>> verdict = new ArrayList<>();
        int changes = 0;
        int done = 0;
        long lastReport = System.nanoTime();
        for (Series s : all.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("group", s.group());
            m.put("subject", s.subject());
            m.put("metric", s.metric());
            m.put("higherIsBetter", s.higherIsBetter());
            int[] x = new int[s.values().length];
            for (int i = 0; i < x.length; i++) {
                x[i] = index.get(s.runs().get(i));
            }
            m.put("x", x);
            m.put("y", s.values());
            if (s.runs().getFirst().kind().equals("jmh")) {
                m.put("e", s.errors());
            }
            Double budget = s.runs().getLast().budgets().get(s.subject() + "|" + s.metric());
            if (budget != null) {
                m.put("budget", budget);
            }
            List<Map<String, Object>> points = new ArrayList<>();
            for (TrendGate.Shift shift : shifts(s)) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("x", index.get(shift.startedAt()));
                c.put("before", shift.before());
                c.put("after", shift.after());
                c.put("p", shift.p());
                c.put("worse", shift.worse());
                points.add(c);
            }
            changes += points.size();
            m.put("changes", points);
            series.add(m);
            TrendGate.Shift latest = TrendGate.lastingWorsening(s, TrendGate.Settings.DEFAULT);
            if (latest != null) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("group", s.group());
                v.put("subject", s.subject());
                v.put("metric", s.metric());
                v.put("x", index.get(latest.startedAt()));
                v.put("commit", latest.startedAt().shortCommit());
                v.put("before", latest.before());
                v.put("after", latest.after());
                v.put("worse", latest.worse());
                verdict.add(v);
            }
            done++;
            if (System.nanoTime() - lastReport > 2_000_000_000L) {
                out.printf("perfgate: trend site %s: %d/%d series%n", env, done, all.size());
                lastReport = System.nanoTime();
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("environment", env);
        data.put("generatedAt", Instant.now().toString());
        data.put("runs", runs);
        data.put("groups", new TreeSet<>(entries.stream().map(HistoryEntry::group).toList()));
        data.put("series", series);
        data.put("changePoints", changes);
        data.put("verdict", verdict);
        data.put("problems", loaded.problems().stream().map(History.Problem::describe).toList());
        return data;
    }

    /** Change points of a whole series: at once up to {@value #WINDOW} runs, else in half-overlapping windows. */
    static List<TrendGate.Shift> shifts(Series s) {
        int n = s.values().length;
        if (n <= WINDOW) {
            return TrendGate.shifts(s, ChangePoints.Settings.DEFAULT);
        }
        Map<HistoryEntry, TrendGate.Shift> merged = new LinkedHashMap<>();
        for (int from = 0; from < n - WINDOW / 2; from += WINDOW / 2) {
            int to = Math.min(n, from + WINDOW);
            Series window = new Series(s.group(), s.subject(), s.metric(), s.higherIsBetter(),
                    s.runs().subList(from, to), java.util.Arrays.copyOfRange(s.values(), from, to),
                    java.util.Arrays.copyOfRange(s.errors(), from, to));
            for (TrendGate.Shift shift : TrendGate.shifts(window, ChangePoints.Settings.DEFAULT)) {
                merged.putIfAbsent(shift.startedAt(), shift);
            }
        }
        return new ArrayList<>(merged.values());
    }

    /** The version of the uPlot WebJar on the class path (its files live under a directory named for it). */
    private static String uplotVersion() {
        try (InputStream in = TrendSite.class.getClassLoader().getResourceAsStream(
                "META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "1.6.30");
        } catch (IOException e) {
            return "1.6.30";
        }
    }

    private static String page(String title, String data) {
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s</title>
                <link rel="stylesheet" href="uPlot.min.css"><link rel="stylesheet" href="trends.css">
                </head><body>
                <main id="app"><p id="loading">Drawing…</p></main>
                <script src="uPlot.iife.min.js"></script>
                <script src="%s"></script>
                <script src="trends.js"></script>
                </body></html>
                """.formatted(escape(title), escape(data));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = TrendSite.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing on the class path: " + resource);
            }
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
