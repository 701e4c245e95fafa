package dev.perfgate.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.perfgate.analyzer.plan.Finding;
import dev.perfgate.analyzer.plan.Plan;
import dev.perfgate.analyzer.plan.Schema;

/** What pg_stat_statements' figures say beyond a plan: N+1 lookups and SELECT * on wide tables. */
class WorkloadChecksTest {
    private static final Plan SCAN = Plan.parse("[{\"Plan\": {\"Node Type\": \"Index Scan\", \"Relation Name\": \"wide\","
            + " \"Alias\": \"wide\", \"Index Name\": \"wide_pkey\", \"Total Cost\": 8.3, \"Plan Rows\": 1}}]");
    private static final Schema SCHEMA;

    static {
        Set<String> columns = new LinkedHashSet<>();
        IntStream.range(0, 20).forEach(i -> columns.add("c" + i));
        Schema.Table wide = new Schema.Table("public", "wide", 50_000, 900, 0, true, columns);
        SCHEMA = new Schema(Map.of("wide", wide, "public.wide", wide), Map.of(), Map.of());
    }

    private static List<String> rules(String sql, long calls, double meanMs) {
        return WorkloadChecks.check(new QueryAnalyzer.Target(Fingerprint.of(sql), sql, calls, calls * meanMs, meanMs),
                SCAN, SCHEMA).stream().map(Finding::rule).toList();
    }

    @Test
    void manyFastSingleRowLookups_areAnNPlusOneSuspect() {
        assertThat(rules("SELECT c1, c2 FROM wide WHERE id = $1", 48_000, 0.04)).containsExactly("n-plus-one-suspect");
        assertThat(rules("SELECT c1, c2 FROM wide WHERE id = $1", 200, 0.04)).as("few calls").isEmpty();
        assertThat(rules("SELECT c1, c2 FROM wide WHERE id = $1", 48_000, 12)).as("not fast").isEmpty();
        assertThat(rules("SELECT c1 FROM wide WHERE id IN ($1, $2)", 48_000, 0.04)).as("already batched").isEmpty();
        assertThat(rules("SELECT c1 FROM wide w JOIN other o ON o.id = w.id WHERE w.id = $1", 48_000, 0.04)).isEmpty();
    }

    @Test
    void selectStarOnAWideTable() {
        assertThat(rules("SELECT * FROM wide WHERE c3 > $1", 10, 5)).containsExactly("select-star-wide");
        assertThat(rules("SELECT c1 FROM wide WHERE c3 > $1", 10, 5)).isEmpty();
    }
}
