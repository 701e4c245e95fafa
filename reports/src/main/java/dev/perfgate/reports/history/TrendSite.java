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

import com.fasterxml.jackson.annotation.JsonInclude;
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
            List<IndexRow> listed = new ArrayList<>();
            int runs = 0;
            int series = 0;
            int changes = 0;
            for (String env : history.environments()) {
                History.Loaded loaded = history.load(env);
                long started = System.nanoTime();
                PageData data = data(env, loaded, out);
                String file = env + ".html";
                Files.writeString(dir.resolve(env + ".data.js"), "window.PERFGATE_TRENDS = "
                        + MAPPER.writeValueAsString(data) + ";\n", StandardCharsets.UTF_8);
                Files.writeString(dir.resolve(file), page("perfgate trends: " + env, env + ".data.js"),
                        StandardCharsets.UTF_8);
                pages.put(env, dir.resolve(file));
                int s = data.series().size();
                int c = data.changePoints();
                runs += loaded.entries().size();
                series += s;
                changes += c;
                listed.add(new IndexRow(env, file, loaded.entries().size(), s, c, data.verdict().size(),
                        loaded.problems().size(), loaded.entries().isEmpty() ? null
                        : loaded.entries().getLast().startedAt().toString()));
                out.printf("perfgate: trend site %s: %d runs, %d series, %d change points (%d ms)%n", env,
                        loaded.entries().size(), s, c, (System.nanoTime() - started) / 1_000_000);
            }
            Files.writeString(dir.resolve("index.data.js"), "window.PERFGATE_TREND_INDEX = "
                    + MAPPER.writeValueAsString(new Index(Instant.now().toString(), listed)) + ";\n",
                    StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("index.html"), page("perfgate trends", "index.data.js"),
                    StandardCharsets.UTF_8);
            return new Written(dir.resolve("index.html"), pages, runs, series, changes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the trend site to " + dir, e);
        }
    }

    /** The index page's data ({@code window.PERFGATE_TREND_INDEX}): one row per environment. */
    record Index(String generatedAt, List<IndexRow> environments) {
    }

    /** An environment on the index: its page, its counts and when its latest run started (null: none yet). */
    record IndexRow(String environment, String page, int runs, int series, int changePoints, int worsening,
                    int problems, String latest) {
    }

    /**
     * One environment's page data ({@code window.PERFGATE_TRENDS}): the runs (series refer to them by index), the
     * groups, every series with its change points, the verdict (worsening changes that hold at the end of their
     * series) and the history entries that could not be read.
     */
    record PageData(String environment, String generatedAt, List<Run> runs, TreeSet<String> groups,
                    List<SeriesData> series, int changePoints, List<Worsening> verdict, List<String> problems) {
    }

    /** A run as the page shows it under the cursor. */
    record Run(String id, String commit, String at, String group, boolean valid) {
    }

    /**
     * One series: x are run indexes, y the values; {@code e} (JMH only) each score's error, {@code budget} the
     * latest run's budget for it when there is one.
     */
    record SeriesData(String group, String subject, String metric, boolean higherIsBetter, int[] x, double[] y,
                      @JsonInclude(JsonInclude.Include.NON_NULL) double[] e,
                      @JsonInclude(JsonInclude.Include.NON_NULL) Double budget, List<Change> changes) {
    }

    /**
     * A change point: the run it starts at, the medians before and after, its p-value and the relative worsening
     * (above 0 is worse, whatever the metric's direction).
     */
    record Change(int x, double before, double after, double p, double worse) {
    }

    /** A worsening change that holds at the end of its series; {@code worse} is relative, as in {@link Change}. */
    record Worsening(String group, String subject, String metric, int x, String commit, double before, double after,
                     double worse) {
    }

    /** The page's data: runs, series with their change points and budgets, the verdict and the skipped entries. */
    static PageData data(String env, History.Loaded loaded, PrintStream out) {
        List<HistoryEntry> entries = loaded.entries();
        Map<HistoryEntry, Integer> index = new java.util.IdentityHashMap<>();
        List<Run> runs = new ArrayList<>();
        for (HistoryEntry e : entries) {
            index.put(e, runs.size());
            runs.add(new Run(e.id(), e.shortCommit(), e.startedAt().toString(), e.group(), e.valid()));
        }
        Map<String, Series> all = Series.of(entries);
        List<SeriesData> series = new ArrayList<>();
        List<Worsening> verdict = new ArrayList<>();
        int changes = 0;
        int done = 0;
        long lastReport = System.nanoTime();
        for (Series s : all.values()) {
            int[] x = new int[s.values().length];
            for (int i = 0; i < x.length; i++) {
                x[i] = index.get(s.runs().get(i));
            }
            List<Change> points = new ArrayList<>();
            for (TrendGate.Shift shift : shifts(s)) {
                points.add(new Change(index.get(shift.startedAt()), shift.before(), shift.after(), shift.p(),
                        shift.worse()));
            }
            changes += points.size();
            series.add(new SeriesData(s.group(), s.subject(), s.metric(), s.higherIsBetter(), x, s.values(),
                    s.runs().getFirst().kind().equals("jmh") ? s.errors() : null,
                    s.runs().getLast().budgets().get(s.subject() + "|" + s.metric()), points));
            TrendGate.Shift latest = TrendGate.lastingWorsening(s, TrendGate.Settings.DEFAULT);
            if (latest != null) {
                verdict.add(new Worsening(s.group(), s.subject(), s.metric(), index.get(latest.startedAt()),
                        latest.startedAt().shortCommit(), latest.before(), latest.after(), latest.worse()));
            }
            done++;
            if (System.nanoTime() - lastReport > 2_000_000_000L) {
                out.printf("perfgate: trend site %s: %d/%d series%n", env, done, all.size());
                lastReport = System.nanoTime();
            }
        }
        return new PageData(env, Instant.now().toString(), runs,
                new TreeSet<>(entries.stream().map(HistoryEntry::group).toList()), series, changes, verdict,
                loaded.problems().stream().map(History.Problem::describe).toList());
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
