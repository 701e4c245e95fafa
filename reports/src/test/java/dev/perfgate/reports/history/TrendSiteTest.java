package dev.perfgate.reports.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perfgate.reports.RequestStats;
import dev.perfgate.reports.RunResult;
import dev.perfgate.reports.ServerFigures;

/**
 * The trend site in a real headless browser: the pages load from disk without console errors, every chart holds
 * the points of its series, the change point put into the history is marked and leads the page's verdict, JMH
 * scores are drawn with their intervals; and the size the issue names, 1,000 runs × 30 requests, renders (its
 * generation and render times are printed, not asserted).
 */
class TrendSiteTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void theSite_rendersEveryPoint_marksTheChange_andLeadsWithTheVerdict(@TempDir Path dir) throws Exception {
        assumeTrue(HeadlessChromium.find() != null, "no chromium on this machine (.ci/run installs it)");
        DirectoryHistory history = new DirectoryHistory(dir.resolve("history"));
        RunResult base = HistoryFixtures.real();
        SplittableRandom noise = new SplittableRandom(21);
        for (int run = 1; run <= 40; run++) {
            history.append("run-" + run, HistoryFixtures.variant(base, run,
                    Map.of("client detail", run > 28 ? 1.6 : 1.0), noise, 0.04));
        }
        JsonNode jmh = MAPPER.readTree(Path.of("src/test/resources/fixtures/jmh-run.json").toFile());
        for (int run = 1; run <= 12; run++) {
            history.appendJmh(jitter(jmh, noise), base.environment(), base.profile(), HistoryFixtures.at(100 + run));
        }
        Path site = dir.resolve("site");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        TrendSite.Written written = TrendSite.write(history, site, new PrintStream(progress, true, StandardCharsets.UTF_8));
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("perfgate: trend site");
        assertThat(written.pages()).hasSize(1);
        Path page = written.pages().values().iterator().next();

        // what the page must draw, from the data it was given
        JsonNode data = MAPPER.readTree(Files.readString(site.resolve(page.getFileName().toString()
                .replace(".html", ".data.js"))).replaceFirst("^window.PERFGATE_TRENDS = ", "").replaceFirst(";\\s*$", ""));
        int expectedPoints = 0;
        for (JsonNode s : data.path("series")) {
            expectedPoints += s.path("y").size();
        }
        int expectedCharts = expectedCharts(data);

        HeadlessChromium.Page loaded = HeadlessChromium.load(page, dir);
        assertThat(loaded.body()).as(loaded.log()).containsEntry("rendered", "true");
        assertThat(loaded.body().get("errors")).as(loaded.log()).isEqualTo("0");
        assertThat(loaded.log()).doesNotContain("Uncaught").doesNotContain("ERR_FILE_NOT_FOUND");
        assertThat(Integer.parseInt(loaded.body().get("charts"))).isEqualTo(expectedCharts);
        assertThat(Integer.parseInt(loaded.body().get("points"))).isEqualTo(expectedPoints);
        assertThat(loaded.dom()).contains("uplot"); // uPlot's canvases are in place
        // the step put into 'client detail' at run 29 is marked, and leads the page
        int verdictAt = loaded.dom().indexOf("id=\"verdict\"");
        assertThat(verdictAt).isPositive().isLessThan(loaded.dom().indexOf("<h2"));
        String verdict = loaded.dom().substring(verdictAt, loaded.dom().indexOf("</div>", verdictAt));
        assertThat(verdict).contains("lasting worsening").contains("client detail").contains("p95Ms")
                .contains("commit " + HistoryFixtures.commit(29));
        assertThat(data.path("changePoints").asInt()).isPositive();
        System.out.println("trend site | " + written.runs() + " runs, " + written.series() + " series, "
                + written.changePoints() + " change points; rendered " + loaded.body().get("charts") + " charts, "
                + loaded.body().get("points") + " points in " + loaded.body().get("render-ms") + " ms");

        HeadlessChromium.Page index = HeadlessChromium.load(written.index(), dir);
        assertThat(index.body()).containsEntry("rendered", "true").containsEntry("errors", "0");
        assertThat(index.dom()).contains(page.getFileName().toString());
    }

    @Test
    void aThousandRunsOfThirtyRequests_render(@TempDir Path dir) throws Exception {
        assumeTrue(HeadlessChromium.find() != null, "no chromium on this machine (.ci/run installs it)");
        DirectoryHistory history = new DirectoryHistory(dir.resolve("history"));
        RunResult base = thirtyRequests(HistoryFixtures.real());
        SplittableRandom noise = new SplittableRandom(22);
        for (int run = 1; run <= 1000; run++) {
            history.append("run-" + run, HistoryFixtures.variant(base, run, Map.of(), noise, 0.05));
        }
        long started = System.nanoTime();
        TrendSite.Written written = TrendSite.write(history, dir.resolve("site"), System.out);
        long generatedMs = (System.nanoTime() - started) / 1_000_000;
        long loadStarted = System.nanoTime();
        HeadlessChromium.Page loaded = HeadlessChromium.load(written.pages().values().iterator().next(), dir);
        long browserMs = (System.nanoTime() - loadStarted) / 1_000_000;
        assertThat(loaded.body()).as(loaded.log()).containsEntry("rendered", "true").containsEntry("errors", "0");
        assertThat(written.runs()).isEqualTo(1000);
        assertThat(Integer.parseInt(loaded.body().get("points"))).isEqualTo(1000 * written.series());
        System.out.printf("trend site | 1,000 runs x 30 requests: %d series, generated in %d ms; page drawn in %s ms"
                        + " (%s charts, %s points), browser start to DOM %d ms%n", written.series(), generatedMs,
                loaded.body().get("render-ms"), loaded.body().get("charts"), loaded.body().get("points"), browserMs);
    }

    private static int expectedCharts(JsonNode data) {
        Map<String, List<String>> bySubject = new java.util.LinkedHashMap<>();
        for (JsonNode s : data.path("series")) {
            bySubject.computeIfAbsent(s.path("group").asText() + "|" + s.path("subject").asText(),
                    k -> new ArrayList<>()).add(s.path("metric").asText());
        }
        int charts = 0;
        for (Map.Entry<String, List<String>> e : bySubject.entrySet()) {
            List<String> m = e.getValue();
            if (e.getKey().startsWith("jmh|")) {
                charts++;
                continue;
            }
            charts += m.stream().anyMatch(x -> x.endsWith("Ms")) ? 1 : 0;
            charts += m.contains("throughputPerSecond") ? 1 : 0;
            charts += m.contains("errorPercent") || m.contains("statementsMean") ? 1 : 0;
        }
        return charts;
    }

    /** A JMH result file with every score moved by a little noise (and its interval with it). */
    private static JsonNode jitter(JsonNode jmh, SplittableRandom r) {
        ArrayNode out = jmh.deepCopy();
        for (JsonNode b : out) {
            ObjectNode m = (ObjectNode) b.path("primaryMetric");
            double f = Math.exp(0.03 * ChangePointsTest.gaussian(r));
            m.put("score", m.path("score").asDouble() * f);
            if (m.path("scoreConfidence").isArray()) {
                ArrayNode ci = (ArrayNode) m.path("scoreConfidence");
                ci.set(0, ci.path(0).asDouble() * f);
                ci.set(1, ci.path(1).asDouble() * f);
            }
        }
        return out;
    }

    /** The real result's requests, repeated under new names up to 30. */
    private static RunResult thirtyRequests(RunResult r) {
        List<RequestStats> requests = new ArrayList<>(r.requests());
        int i = 0;
        while (requests.size() < 30) {
            RequestStats s = r.requests().get(i++ % r.requests().size());
            requests.add(HistoryFixtures.scaled(new RequestStats(s.name() + " (copy " + i + ")", s.tier(), s.count(),
                    s.ok(), s.ko(), s.errorsByCause(), s.minMs(), s.p50Ms(), s.p75Ms(), s.p95Ms(), s.p99Ms(),
                    s.p999Ms(), s.maxMs(), s.meanMs(), s.throughputPerSecond(), s.statementsMean(), s.statementsMax(),
                    s.histogram(), s.server(), s.injectorStalled()), 1.0));
        }
        return new RunResult(r.simulation(), r.profile(), r.target(), r.startedAt(), r.durationSeconds(),
                r.environment(), requests, r.budgets(), ServerFigures.NONE, null, r.validity(), r.schemaVersion());
    }
}
