package dev.perfgate.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The before/after table from recorded scores: ratios across units, errors, partial runs, both files. */
class OptimizationTableTest {
    private static JmhResults.Score score(String id, double score, double error, String unit) {
        return new JmhResults.Score("dev.perfgate.bench." + id, unit.startsWith("ops") ? "thrpt" : "avgt", score,
                score - error, score + error, unit);
    }

    @Test
    void rows_compareTimesInAnyUnit_andSkipPairsNotInTheRun(@TempDir Path dir) {
        List<JmhResults.Score> run = List.of(
                score("QueryPatternsBenchmark.nPlusOnePage", 2_000, 100, "us/op"),
                score("QueryPatternsBenchmark.batchedPage", 250, 10, "us/op"),
                score("CacheBenchmark.rawCaffeineGetIfPresent", 20, 1, "ns/op"),
                score("CacheBenchmark.l1Hit", 0.025, 0.001, "us/op"),
                score("QueryPatternsBenchmark.offsetDeepPage", 100, 5, "ops/s"),
                score("QueryPatternsBenchmark.keysetDeepPage", 10_000, 500, "ops/s"));
        List<OptimizationTable.Row> rows = OptimizationTable.rows(run);
        assertThat(rows).extracting(r -> r.pair().what()).containsExactly(
                "Batching: page of 50 vendors, N+1 vs one = ANY(?) query",
                "Keyset paging: page of 20 at row 100,000, OFFSET vs keyset",
                "L1 hit vs raw Caffeine getIfPresent");
        assertThat(rows.get(0).ratio()).isCloseTo(8.0, within(1e-9));
        assertThat(rows.get(0).ratioError()).isCloseTo(8.0 * Math.hypot(0.05, 0.04), within(1e-9));
        assertThat(rows.get(1).ratio()).as("throughput inverted to time").isCloseTo(100.0, within(1e-9));
        assertThat(rows.get(2).ratio()).as("20 ns raw vs 25 ns ours: 1.25x overhead").isCloseTo(1.25, within(1e-9));

        Path md = dir.resolve("OPTIMIZATIONS.md");
        OptimizationTable.write(md, rows, RunEnvironment.capture("jmh-quick"), "a test run");
        assertThat(md).content().contains("| Batching: page of 50 vendors, N+1 vs one = ANY(?) query | 2,000 ± 100 us/op"
                + " | 250 ± 10.0 us/op | 8.00x ± 0.51 |")
                .contains("'(QueryPatternsBenchmark\\.nPlusOnePage\\|QueryPatternsBenchmark\\.batchedPage)$'");
        assertThat(OptimizationTable.arguments(OptimizationTable.PAIRS.stream()
                .filter(p -> p.what().startsWith("Compression speed: deflate-6")).findFirst().orElseThrow()))
                .isEqualTo("'CompressionBenchmark\\.compress$' -p algorithm=deflate-6,deflate-1"
                        + " -p payload=vendor-search-100");
        assertThat(dir.resolve("OPTIMIZATIONS.html")).content().contains("<table>").contains("8.00x");
        assertThat(rows).allSatisfy(r -> assertThat(r.perRound()).isEmpty());
    }

    @Test
    void sidesThatTookTurns_getARatioPerRound_inTheirUnits() {
        List<JmhResults.Score> run = List.of(
                score("CacheBenchmark.rawCaffeineGetIfPresent", 12, 3, "ns/op"),
                score("CacheBenchmark.l1Hit", 0.0167, 0.0003, "us/op"),
                score("QueryPatternsBenchmark.offsetDeepPage", 100, 5, "ops/s"),
                score("QueryPatternsBenchmark.keysetDeepPage", 10_000, 500, "ops/s"));
        Map<String, List<Double>> rounds = Map.of(
                "dev.perfgate.bench.CacheBenchmark.rawCaffeineGetIfPresent", List.of(13.8, 13.0, 9.0),
                "dev.perfgate.bench.CacheBenchmark.l1Hit", List.of(0.0167, 0.0167, 0.0167),
                "dev.perfgate.bench.QueryPatternsBenchmark.offsetDeepPage", List.of(100.0, 50.0),
                "dev.perfgate.bench.QueryPatternsBenchmark.keysetDeepPage", List.of(10_000.0));

        List<OptimizationTable.Row> rows = OptimizationTable.rows(run, rounds);

        assertThat(rows).filteredOn(r -> r.pair().after().equals("CacheBenchmark.l1Hit")
                && r.pair().before().equals("CacheBenchmark.rawCaffeineGetIfPresent")).singleElement()
                .satisfies(r -> assertThat(r.perRound()).satisfiesExactly(
                        x -> assertThat(x).isCloseTo(16.7 / 13.8, within(1e-9)),
                        x -> assertThat(x).isCloseTo(16.7 / 13.0, within(1e-9)),
                        x -> assertThat(x).isCloseTo(16.7 / 9.0, within(1e-9))));
        assertThat(rows).filteredOn(r -> r.pair().after().equals("QueryPatternsBenchmark.keysetDeepPage"))
                .singleElement().as("two rounds against one: not paired").satisfies(r ->
                        assertThat(r.perRound()).isEmpty());
    }
}
