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

    private static final String RAW = "dev.perfgate.bench.CacheBenchmark.rawCaffeineGetIfPresent";

    /** A run of raw Caffeine and the L1 hit beside it, in ns with their errors. */
    private static List<JmhResults.Score> rawAndHit(double raw, double rawError, double hit, double hitError)
            throws Exception {
        return scores(entry(RAW, "avgt", raw, rawError, "ns/op", null), entry(L1, "avgt", hit, hitError, "ns/op", null));
    }

    private static Check check(List<Check> checks, String subject) {
        return checks.stream().filter(c -> c.subject().equals(subject)).findFirst().orElseThrow();
    }

    @Test
    void aMachineTwiceAsSlow_failsNoPathMeasuredBesideItsLibrary_andTheLibrarysOwnMoveWarns() throws Exception {
        List<Check> checks = JmhGate.compare(rawAndHit(13.6, 1.0, 24.0, 2.0), rawAndHit(27.2, 1.0, 50.0, 2.0), 1.15);

        assertThat(checks).noneMatch(Check::failed);
        Check hit = check(checks, L1);
        assertThat(hit.verdict()).isEqualTo(Check.Verdict.PASS);
        assertThat(hit.metric()).isEqualTo("overhead over CacheBenchmark.rawCaffeineGetIfPresent");
        assertThat(hit.expected()).isCloseTo(24.0 / 13.6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(hit.actual()).isCloseTo(50.0 / 27.2, org.assertj.core.data.Offset.offset(1e-9));
        Check raw = check(checks, RAW);
        assertThat(raw.verdict()).isEqualTo(Check.Verdict.WARN);
        assertThat(raw.rule()).contains("raw library alone").contains("2.00x worse");
    }

    @Test
    void aPathThatSlowsAgainstItsLibrary_fails_whateverTheMachineDid() throws Exception {
        // a faster machine (the library at 0.8x its time) and a hit 1.6x slower against it
        Check hit = check(JmhGate.compare(rawAndHit(13.6, 1.0, 24.0, 2.0), rawAndHit(10.9, 0.8, 30.7, 2.0), 1.15), L1);

        assertThat(hit.verdict()).isEqualTo(Check.Verdict.FAIL);
        assertThat(hit.rule()).contains("overhead over CacheBenchmark.rawCaffeineGetIfPresent").contains("1.60x worse")
                .contains("disjoint");
    }

    @Test
    void aSmallSlowdownOfAPath_failsByItsTime_thoughItsLibrarysWideIntervalHidesItInTheOverhead() throws Exception {
        // raw Caffeine's interval is wide (one fork's slow iteration), the hit's narrow: 1.17x on the hit alone
        Check hit = check(JmhGate.compare(rawAndHit(11.9, 2.9, 16.7, 0.3), rawAndHit(11.9, 2.9, 19.6, 0.3), 1.15), L1);

        assertThat(hit.verdict()).isEqualTo(Check.Verdict.FAIL);
        assertThat(hit.rule()).contains("1.17x worse, intervals overlap").contains("fails the time rule");
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
