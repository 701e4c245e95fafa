package dev.perfgate.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.runner.options.TimeValue;

import dev.perfgate.reports.JmhResults;

class InterleavedForksTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String BENCH = "dev.perfgate.bench.";

    /**
     * A real JMH result of three forks ({@code java -jar benchmarks.jar 'RateLimitBenchmark\.rawBucket4j$' -f 3 -wi 1
     * -w 200ms -i 4 -r 200ms -rf json}). Split into its forks and merged back, it must give JMH's own figures.
     */
    private static JsonNode threeForks() throws Exception {
        try (InputStream in = InterleavedForksTest.class.getResourceAsStream("/jmh/three-forks.json")) {
            return MAPPER.readTree(in).get(0);
        }
    }

    /** One fork of an entry, as a one-fork JMH run would write it (its own score, which the merge must not use). */
    private static JsonNode fork(JsonNode entry, int index) {
        ObjectNode one = entry.deepCopy();
        JsonNode iterations = entry.path("primaryMetric").path("rawData").get(index);
        ObjectNode metric = (ObjectNode) one.path("primaryMetric");
        double sum = 0;
        for (JsonNode v : iterations) {
            sum += v.asDouble();
        }
        metric.put("score", sum / iterations.size());
        metric.putArray("rawData").add(iterations);
        one.put("forks", 1);
        return one;
    }

    @Test
    void forksRunApartAndMerged_giveJmhsOwnFiguresForTheRunOfAllForks() throws Exception {
        JsonNode jmh = threeForks();
        List<JsonNode> merged = InterleavedForks.merge(List.of(fork(jmh, 0), fork(jmh, 1), fork(jmh, 2)));

        assertThat(merged).hasSize(1);
        JsonNode m = merged.getFirst().path("primaryMetric");
        JsonNode expected = jmh.path("primaryMetric");
        assertThat(merged.getFirst().path("forks").asInt()).isEqualTo(3);
        assertThat(m.path("rawData")).isEqualTo(expected.path("rawData"));
        assertThat(InterleavedForks.forkMeans(merged.getFirst())).containsExactly(
                fork(jmh, 0).path("primaryMetric").path("score").asDouble(),
                fork(jmh, 1).path("primaryMetric").path("score").asDouble(),
                fork(jmh, 2).path("primaryMetric").path("score").asDouble());
        double score = expected.path("score").asDouble();
        assertThat(m.path("score").asDouble()).isCloseTo(score, within(score * 1e-12));
        assertThat(m.path("scoreError").asDouble()).isCloseTo(expected.path("scoreError").asDouble(),
                within(score * 1e-12));
        for (int i = 0; i < 2; i++) {
            assertThat(m.path("scoreConfidence").get(i).asDouble()).isCloseTo(
                    expected.path("scoreConfidence").get(i).asDouble(), within(score * 1e-12));
        }
        assertThat(m.path("scorePercentiles").size()).isEqualTo(expected.path("scorePercentiles").size());
        expected.path("scorePercentiles").properties().forEach(p -> assertThat(
                m.path("scorePercentiles").path(p.getKey()).asDouble()).as("percentile " + p.getKey())
                .isCloseTo(p.getValue().asDouble(), within(score * 1e-12)));
    }

    @Test
    void mergedFile_readsAsOneScorePerBenchmarkAndParameters_inTheOrderFirstSeen() throws Exception {
        JsonNode jmh = threeForks();
        ObjectNode otherParams = (ObjectNode) fork(jmh, 0);
        otherParams.putObject("params").put("clients", "1000");
        ObjectNode otherBenchmark = (ObjectNode) fork(jmh, 2);
        otherBenchmark.put("benchmark", BENCH + "RateLimitBenchmark.limiterCheck");
        List<JsonNode> merged = InterleavedForks.merge(List.of(fork(jmh, 0), otherParams, otherBenchmark,
                fork(jmh, 1), otherParams));

        List<JmhResults.Score> scores = JmhResults.parse(MAPPER.valueToTree(merged));
        assertThat(scores).extracting(JmhResults.Score::id).containsExactly(BENCH + "RateLimitBenchmark.rawBucket4j",
                BENCH + "RateLimitBenchmark.rawBucket4j [clients=1000]", BENCH + "RateLimitBenchmark.limiterCheck");
        assertThat(merged).extracting(e -> e.path("forks").asInt()).containsExactly(2, 2, 1);
        assertThat(scores).allSatisfy(s -> assertThat(s.low()).isLessThan(s.score()));
        assertThat(InterleavedForks.sorted(merged)).extracting(e -> e.path("benchmark").asText()).containsExactly(
                BENCH + "RateLimitBenchmark.limiterCheck", BENCH + "RateLimitBenchmark.rawBucket4j",
                BENCH + "RateLimitBenchmark.rawBucket4j");
    }

    @Test
    void oneIteration_hasNoInterval_writtenAsJmhWritesIt() throws Exception {
        ObjectNode single = (ObjectNode) fork(threeForks(), 0);
        ((ObjectNode) single.path("primaryMetric")).putArray("rawData").addArray().add(250.0);

        JsonNode m = InterleavedForks.merge(List.of(single)).getFirst().path("primaryMetric");

        assertThat(m.path("scoreError").asText()).isEqualTo("NaN");
        JmhResults.Score score = JmhResults.parse(MAPPER.valueToTree(List.of(
                InterleavedForks.merge(List.of(single)).getFirst()))).getFirst();
        assertThat(score.score()).isEqualTo(250.0);
        assertThat(score.low()).isEqualTo(250.0);
        assertThat(score.high()).isEqualTo(250.0);
    }

    @Test
    void sampleModeHistograms_areRefused_namingTheBenchmark() throws Exception {
        ObjectNode sample = (ObjectNode) fork(threeForks(), 0);
        ((ObjectNode) sample.path("primaryMetric")).remove("rawData");
        ((ObjectNode) sample.path("primaryMetric")).putArray("rawDataHistogram");

        assertThatThrownBy(() -> InterleavedForks.merge(List.of(sample)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RateLimitBenchmark.rawBucket4j").hasMessageContaining("rawDataHistogram");
    }

    @Test
    void schedule_takesTurnsWithinEachClass_reversingEveryOtherRound() {
        List<String> sides = List.of("p.A.raw", "p.A.ours", "p.B.raw", "p.B.ours", "p.B.setting");

        assertThat(InterleavedForks.schedule(sides, 3)).containsExactly(
                "p.A.raw", "p.A.ours", "p.B.raw", "p.B.ours", "p.B.setting",
                "p.A.ours", "p.A.raw", "p.B.setting", "p.B.ours", "p.B.raw",
                "p.A.raw", "p.A.ours", "p.B.raw", "p.B.ours", "p.B.setting");
    }

    @Test
    void ratioSides_areTheBenchmarksMarkedWithTheRatioForkCount() {
        List<String> all = InterleavedForks.ratioSides("dev\\.perfgate\\.bench\\..*");

        assertThat(all).contains(BENCH + "CacheBenchmark.l1Hit", BENCH + "CacheBenchmark.rawCaffeineGetIfPresent",
                BENCH + "CacheBenchmark.l2Hit", BENCH + "CacheBenchmark.rawLettuceGet",
                BENCH + "PoolBenchmark.servicePoolBorrowReturn", BENCH + "PoolBenchmark.defaultPoolBorrowReturn",
                BENCH + "QueryPatternsBenchmark.perRowUpdateLoop", BENCH + "QueryPatternsBenchmark.setBasedUpdate",
                BENCH + "QueryInterceptionBenchmark.rawPkSelect", BENCH + "RateLimitBenchmark.rawBucket4j")
                .doesNotContain(BENCH + "CacheBenchmark.mixedRead", BENCH + "QueryPatternsBenchmark.nPlusOnePage",
                        BENCH + "CodecBenchmark.codecDecode");
        List<String> rateLimit = InterleavedForks.ratioSides("RateLimitBenchmark");
        assertThat(rateLimit).containsExactly(BENCH + "RateLimitBenchmark.limiterCheck",
                BENCH + "RateLimitBenchmark.limiterCheckOneClient", BENCH + "RateLimitBenchmark.rawBucket4j",
                BENCH + "RateLimitBenchmark.rawBucket4jAmong1000");
        // chooseCoding, the class's fifth benchmark, is no ratio side: it runs with the class's settings
        assertThat(InterleavedForks.anyBesides("RateLimitBenchmark", InterleavedForks.exactly(rateLimit))).isTrue();
        assertThat(InterleavedForks.anyBesides("RateLimitBenchmark\\.(limiterCheck|rawBucket4j)",
                InterleavedForks.exactly(rateLimit))).isFalse();
    }

    @Test
    void run_measuresEachScheduledFork_andMergesThem(@TempDir Path dir) throws Exception {
        List<String> sides = List.of(BENCH + "RateLimitBenchmark.rawBucket4j",
                BENCH + "RateLimitBenchmark.limiterCheckOneClient");
        // in this JVM (no fork), one short iteration each: proves the runs and the merge, measures nothing
        List<JsonNode> merged = InterleavedForks.run(InterleavedForks.schedule(sides, 2), dir.resolve("parts"),
                o -> o.forks(0).warmupIterations(0).measurementIterations(2)
                        .measurementTime(TimeValue.milliseconds(50)), System.out);

        assertThat(merged).extracting(e -> e.path("benchmark").asText()).containsExactlyElementsOf(sides);
        assertThat(merged).allSatisfy(e -> {
            assertThat(e.path("forks").asInt()).isEqualTo(2);
            assertThat(e.path("primaryMetric").path("rawData")).hasSize(2)
                    .allSatisfy(fork -> assertThat(fork).hasSize(2));
        });
        List<String> files = new ArrayList<>();
        try (var listing = Files.list(dir.resolve("parts"))) {
            listing.map(p -> p.getFileName().toString()).sorted().forEach(files::add);
        }
        assertThat(files).containsExactly("01-RateLimitBenchmark.rawBucket4j.json",
                "02-RateLimitBenchmark.limiterCheckOneClient.json", "03-RateLimitBenchmark.limiterCheckOneClient.json",
                "04-RateLimitBenchmark.rawBucket4j.json");
    }
}
