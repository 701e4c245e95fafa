package dev.perfgate.analyzer.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every plan rule fires on a real plan provoked on the embedded database, and none fires on good plans. Settings
 * such as a tiny work_mem or a disabled join method make PostgreSQL produce the bad plan on demand.
 */
class RuleTest {

    private static Set<String> rules(PlanAnalyzer.Analysis a) {
        return a.findings().stream().map(Finding::rule).collect(Collectors.toSet());
    }

    private static void assertFires(String rule, PlanAnalyzer.Analysis a) {
        assertThat(rules(a)).as("findings: %s", a.findings()).contains(rule);
        Finding f = a.findings().stream().filter(x -> x.rule().equals(rule)).findFirst().orElseThrow();
        assertThat(f.node()).isNotBlank();
        assertThat(f.message()).isNotBlank();
        assertThat(f.suggestion()).isNotBlank();
        assertThat(a.score()).isLessThan(100);
    }

    @Test
    void seqScanOfLargeTableUnderSelectiveFilter() throws Exception {
        PlanAnalyzer.Analysis a = Lab.analyze("SELECT * FROM lab.events WHERE account_id = 42", true);
        assertFires("seq-scan-selective", a);
        assertThat(a.findings().stream().filter(f -> f.rule().equals("seq-scan-selective")).findFirst().orElseThrow()
                .suggestion()).contains("events (account_id)");
        // estimates alone are enough for this one
        assertFires("seq-scan-selective", Lab.analyze("SELECT * FROM lab.events WHERE account_id = 42", false));
    }

    @Test
    void rowsRemovedByFilterAfterIndex() throws Exception {
        assertFires("filter-after-index", Lab.analyze("SELECT * FROM lab.events WHERE kind = 'buy' AND account_id = 42",
                true, "enable_seqscan = off"));
    }

    @Test
    void sortSpillingToDisk() throws Exception {
        assertFires("sort-spill", Lab.analyze("SELECT * FROM lab.events ORDER BY payload", true, "work_mem = '64kB'"));
    }

    @Test
    void hashJoinInBatches() throws Exception {
        assertFires("hash-batches", Lab.analyze("SELECT e.id, f.kind FROM lab.events e JOIN lab.events f ON f.id = e.id + 1",
                true, "work_mem = '64kB'", "enable_mergejoin = off", "enable_nestloop = off"));
    }

    @Test
    void hashAggregateSpilling() throws Exception {
        assertFires("hashagg-spill", Lab.analyze("SELECT payload, count(*) FROM lab.events GROUP BY payload", true,
                "work_mem = '64kB'", "enable_sort = off"));
    }

    @Test
    void nestedLoopOverLargeOuterSide() throws Exception {
        assertFires("nested-loop-large-outer", Lab.analyze("SELECT count(*) FROM lab.events e JOIN lab.accounts a"
                + " ON a.id = e.account_id", true, "enable_hashjoin = off", "enable_mergejoin = off"));
    }

    @Test
    void seqScanOnInnerSideOfNestedLoop() throws Exception {
        String sql = "SELECT * FROM lab.accounts a JOIN lab.events e ON e.account_id = a.id WHERE a.id < 4";
        String[] settings = {"enable_hashjoin = off", "enable_mergejoin = off", "enable_material = off",
                "enable_memoize = off"};
        assertFires("seq-scan-inner-loop", Lab.analyze(sql, true, settings));
        assertFires("seq-scan-inner-loop", Lab.analyze(sql, false, settings));
    }

    @Test
    void estimateOffByTenTimes() throws Exception {
        // a and b are equal in every row; the planner multiplies their selectivities: 20 rows expected, 2,000 found
        PlanAnalyzer.Analysis a = Lab.analyze("SELECT * FROM lab.events WHERE a = 5 AND b = 5", true);
        assertFires("estimate-mismatch", a);
        assertThat(a.findings().stream().filter(f -> f.rule().equals("estimate-mismatch")).count()).isEqualTo(1);
    }

    @Test
    void tableNeverAnalyzed() throws Exception {
        assertFires("stale-statistics", Lab.analyze("SELECT * FROM lab.fresh WHERE id = 5", false));
    }

    @Test
    void functionOrCastOnIndexedColumn() throws Exception {
        assertFires("non-sargable", Lab.analyze("SELECT * FROM lab.events WHERE lower(email) = 'user42@example.com'",
                true));
        PlanAnalyzer.Analysis cast = Lab.analyze("SELECT * FROM lab.events WHERE created_at::date = '2026-01-05'", false);
        assertFires("non-sargable", cast);
        assertThat(cast.findings().stream().filter(f -> f.rule().equals("non-sargable")).findFirst().orElseThrow()
                .message()).contains("::date").contains("created_at");
    }

    @Test
    void leadingWildcardLike() throws Exception {
        PlanAnalyzer.Analysis a = Lab.analyze("SELECT * FROM lab.events WHERE email LIKE '%42@%'", true);
        assertFires("leading-wildcard-like", a);
        assertThat(a.findings().stream().filter(f -> f.rule().equals("leading-wildcard-like")).findFirst()
                .orElseThrow().suggestion()).contains("gin_trgm_ops");
    }

    @Test
    void deepOffset() throws Exception {
        String sql = "SELECT * FROM lab.events ORDER BY id LIMIT 20 OFFSET 100000";
        assertFires("deep-offset", Lab.analyze(sql, true));
        assertFires("deep-offset", Lab.analyze(sql, false));
    }

    @Test
    void countOverLargeTable() throws Exception {
        assertFires("count-large-table", Lab.analyze("SELECT count(*) FROM lab.events", true));
    }

    @Test
    void foreignKeyJoinedWithoutIndex() throws Exception {
        PlanAnalyzer.Analysis a = Lab.analyze("SELECT a.name, e.kind FROM lab.events e JOIN lab.accounts a"
                + " ON a.id = e.account_id WHERE a.name = 'account 42'", false);
        assertFires("fk-without-index", a);
        assertThat(a.findings().stream().filter(f -> f.rule().equals("fk-without-index")).findFirst().orElseThrow()
                .suggestion()).contains("events (account_id)");
    }

    @Test
    void lossyBitmapHeapScan() throws Exception {
        assertFires("lossy-bitmap", Lab.analyze("SELECT * FROM lab.events WHERE kind = 'buy'", true,
                "work_mem = '64kB'", "enable_seqscan = off", "enable_indexscan = off"));
    }

    @Test
    void parallelWorkersNotLaunched() throws Exception {
        assertFires("workers-not-launched", Lab.analyze("SELECT count(*) FROM lab.events WHERE kind = 'buy'", true,
                "max_parallel_workers_per_gather = 2", "max_parallel_workers = 0", "parallel_setup_cost = 0",
                "parallel_tuple_cost = 0", "min_parallel_table_scan_size = 0"));
    }

    @Test
    void indexOnlyScanFetchingHeap() throws Exception {
        assertFires("index-only-heap-fetches", Lab.analyze("SELECT created_at FROM lab.events"
                + " WHERE created_at < '2026-02-01'", true, "enable_seqscan = off", "enable_bitmapscan = off"));
    }

    @Test
    void correlatedSubqueryPerRow() throws Exception {
        assertFires("correlated-subplan", Lab.analyze("SELECT a.id, (SELECT count(*) FROM lab.accounts b"
                + " WHERE b.id < a.id) FROM lab.accounts a", true));
    }

    @Test
    void topNSortOverLargeInput() throws Exception {
        assertFires("top-n-large-input", Lab.analyze("SELECT * FROM lab.events ORDER BY payload LIMIT 10", true));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM lab.events WHERE id = 42",
            "SELECT * FROM lab.accounts WHERE id = 7",
            "SELECT id, kind FROM lab.events WHERE created_at >= '2026-01-02' AND created_at < '2026-01-02 01:00'"
                    + " ORDER BY created_at LIMIT 10",
            "SELECT e.kind, a.name FROM lab.events e JOIN lab.accounts a ON a.id = e.account_id WHERE e.id = 7",
            "SELECT * FROM lab.events ORDER BY id LIMIT 20",
            "SELECT * FROM lab.events WHERE email LIKE 'user42@%'",
            "SELECT * FROM lab.events WHERE (created_at, id) > ('2026-01-02', 5) ORDER BY created_at, id LIMIT 10"})
    void goodPlans_haveNoFindings(String sql) throws Exception {
        for (boolean analyze : new boolean[] {false, true}) {
            PlanAnalyzer.Analysis a = Lab.analyze(sql, analyze);
            assertThat(a.findings()).as("%s (analyze %s)", sql, analyze).isEmpty();
            assertThat(a.score()).isEqualTo(100);
        }
    }

    @Test
    void everyRuleIsCoveredHere() {
        // one test above per rule: adding a rule without provoking it on a real plan fails this count
        List<String> ids = Arrays.stream(Rule.values()).map(Rule::id).toList();
        assertThat(ids).hasSize(19).doesNotHaveDuplicates();
    }
}
