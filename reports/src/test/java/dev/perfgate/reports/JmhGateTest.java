package dev.perfgate.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark gate on JMH JSON as JMH writes it: direction from the unit, intervals and ratio both required. */
class JmhGateTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One JMH result entry, in JMH's own JSON shape. */
    private static String entry(String benchmark, String mode, double score, double error, String unit,
                                String params) {
        return """
                {"jmhVersion":"1.37","benchmark":"%s","mode":"%s","threads":1,"forks":1,%s
                 "primaryMetric":{"score":%s,"scoreError":%s,"scoreConfidence":[%s,%s],"scoreUnit":"%s",
                                  "rawData":[[1,2,3]]},"secondaryMetrics":{}}"""
                .formatted(benchmark, mode, params == null ? "" : "\"params\":" + params + ",", score, error,
                        score - error, score + error, unit);
    }

    private static List<JmhResults.Score> scores(String... entries) throws Exception {
        return JmhResults.parse(MAPPER.readTree("[" + String.join(",", entries) + "]"));
    }

    private static final String L1 = "dev.perfgate.bench.CacheBenchmark.l1Hit";
    private static final String THRPT = "dev.perfgate.bench.CacheBenchmark.mixed";

    @Test
    void identicalRuns_noAlarm() throws Exception {
        List<JmhResults.Score> run = scores(entry(L1, "avgt", 25.0, 1.0, "ns/op", null),
                entry(THRPT, "thrpt", 1_000_000, 20_000, "ops/s", null));
        assertThat(JmhGate.compare(run, run, 1.15)).allMatch(c -> c.verdict() == Check.Verdict.PASS);
    }

    @Test
    void clearSlowdown_ofATime_fails() throws Exception {
        List<Check> checks = JmhGate.compare(scores(entry(L1, "avgt", 25.0, 1.0, "ns/op", null)),
                scores(entry(L1, "avgt", 40.0, 1.5, "ns/op", null)), 1.15);
        assertThat(checks).singleElement().satisfies(c -> {
            assertThat(c.verdict()).isEqualTo(Check.Verdict.FAIL);
            assertThat(c.rule()).contains("lower is better").contains("1.60x worse").contains("disjoint");
        });
    }

    @Test
    void direction_followsTheUnit() throws Exception {
        // a time that falls is better; a throughput that falls is worse
        assertThat(JmhGate.compare(scores(entry(L1, "avgt", 40.0, 1.0, "ns/op", null)),
                scores(entry(L1, "avgt", 25.0, 1.0, "ns/op", null)), 1.15).getFirst().verdict())
                .isEqualTo(Check.Verdict.PASS);
        assertThat(JmhGate.compare(scores(entry(THRPT, "thrpt", 1_000_000, 10_000, "ops/s", null)),
                scores(entry(THRPT, "thrpt", 500_000, 10_000, "ops/s", null)), 1.15).getFirst().verdict())
                .isEqualTo(Check.Verdict.FAIL);
        assertThat(JmhGate.compare(scores(entry(THRPT, "thrpt", 500_000, 10_000, "ops/s", null)),
                scores(entry(THRPT, "thrpt", 1_000_000, 10_000, "ops/s", null)), 1.15).getFirst().verdict())
                .isEqualTo(Check.Verdict.PASS);
    }

    @Test
    void bigDifferenceInsideWideIntervals_isNoise_andSmallDisjointOneIsBelowTheRatio() throws Exception {
        assertThat(JmhGate.compare(scores(entry(L1, "avgt", 25.0, 20.0, "ns/op", null)),
                scores(entry(L1, "avgt", 40.0, 20.0, "ns/op", null)), 1.15).getFirst().verdict())
                .isEqualTo(Check.Verdict.PASS);
        assertThat(JmhGate.compare(scores(entry(L1, "avgt", 25.0, 0.1, "ns/op", null)),
                scores(entry(L1, "avgt", 26.0, 0.1, "ns/op", null)), 1.15).getFirst().verdict())
                .isEqualTo(Check.Verdict.PASS);
    }

    @Test
    void parameters_areLines_andNewOrMissingBenchmarksAreShown() throws Exception {
        String deflate = "dev.perfgate.bench.CodecBenchmark.deflate";
        List<Check> checks = JmhGate.compare(
                scores(entry(deflate, "thrpt", 300, 5, "ops/s", "{\"level\":\"1\"}"),
                        entry(deflate, "thrpt", 100, 5, "ops/s", "{\"level\":\"9\"}")),
                scores(entry(deflate, "thrpt", 100, 5, "ops/s", "{\"level\":\"9\"}"),
                        entry(L1, "avgt", 25, 1, "ns/op", null)), 1.15);
        assertThat(checks).extracting(Check::subject, Check::verdict).containsExactly(
                org.assertj.core.groups.Tuple.tuple(deflate + " [level=9]", Check.Verdict.PASS),
                org.assertj.core.groups.Tuple.tuple(L1, Check.Verdict.NEW),
                org.assertj.core.groups.Tuple.tuple(deflate + " [level=1]", Check.Verdict.WARN));
    }

    @Test
    void command_exitsNonZeroNamingTheRegressedBenchmark_andWritesReports(@TempDir Path dir) throws Exception {
        Path base = dir.resolve("base.json");
        Path now = dir.resolve("now.json");
        Files.writeString(base, "[" + entry(L1, "avgt", 25.0, 1.0, "ns/op", null) + "]");
        Files.writeString(now, "[" + entry(L1, "avgt", 60.0, 1.0, "ns/op", null) + "]");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = JmhGate.run(new String[] {base.toString(), now.toString()}, new PrintStream(out, true,
                StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("1 regressed: " + L1);
        assertThat(Files.readString(dir.resolve("jmh-junit.xml"))).contains("<failure");
        assertThat(dir.resolve("jmh-regression.html")).exists();
        assertThat(JmhGate.run(new String[] {base.toString(), base.toString(), "0.5"}, System.out,
                new PrintStream(new ByteArrayOutputStream()))).isEqualTo(2);
        assertThat(JmhGate.run(new String[] {base.toString(), base.toString()}, new PrintStream(
                new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()))).isZero();
    }
}
