package dev.perfgate.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The advisor with HypoPG on the machine's PostgreSQL: candidates are hypothetical, tried together, and the
 * recommendations are the smallest set that keeps each statement's best plan — the shop case where (status),
 * (created_at) and (status, created_at) were each recommended for statements one index serves (here a partial
 * one, 'pending' being 2 % of the orders). Nothing is
 * built, nothing is left behind (not even the extension, when it was created only for the analysis).
 */
class HypotheticalIndexesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static SystemPostgres db;

    @BeforeAll
    static void schema() throws Exception {
        String why = SystemPostgres.unavailable();
        assumeTrue(why == null, why);
        db = SystemPostgres.create("perfgate_hypopg");
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL)");
            s.execute("INSERT INTO customers SELECT g, 'c' || g || '@example.com' FROM generate_series(1, 20000) g");
            s.execute("""
                    CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id),
                        status text NOT NULL, created_at timestamptz NOT NULL, total numeric NOT NULL)""");
            s.execute("""
                    INSERT INTO orders SELECT g, 1 + g % 20000, CASE WHEN g % 50 = 0 THEN 'pending' ELSE 'shipped' END,
                        timestamptz '2026-01-01' + g * interval '1 minute', g % 500 FROM generate_series(1, 200000) g""");
            s.execute("ANALYZE customers");
            s.execute("ANALYZE orders");
        }
    }

    @AfterAll
    static void drop() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    private static JsonNode analyze(String... sql) throws Exception {
        QueryAnalyzer analyzer = new QueryAnalyzer(db.dataSource(), new QueryAnalyzer.Options(false, true,
                new IndexTrials.Settings(IndexTrials.Mode.HYPOPG, 50, 10_000, 50_000)));
        return MAPPER.valueToTree(analyzer.analyze(java.util.Arrays.stream(sql).map(QueryAnalyzer.Target::of).toList()));
    }

    @Test
    void minimalSet_oneIndexForTheStatementsItServes_nothingForAPrimaryKeyLookup() throws Exception {
        List<String> indexesBefore = column("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1");
        JsonNode report = analyze(
                "SELECT * FROM orders WHERE status = 'pending' ORDER BY created_at DESC LIMIT 10",
                "SELECT count(*) FROM orders WHERE status = 'pending'",
                "SELECT * FROM orders WHERE customer_id = 17",
                "SELECT * FROM orders WHERE id = 5");
        assertThat(report.path("indexTrials").asText()).isEqualTo("hypopg");
        List<String> created = report.path("indexRecommendations").findValuesAsText("create");
        // 'pending' is 2 % of the rows: one partial index serves the top-N and the count, at a fiftieth of the size
        // (and of the write cost) of (status, created_at), which the planner passed over when both were there
        assertThat(created).as(report.toPrettyString()).containsExactlyInAnyOrder(
                "CREATE INDEX CONCURRENTLY ON public.orders (created_at) WHERE status = 'pending'",
                "CREATE INDEX CONCURRENTLY ON public.orders (customer_id)");
        JsonNode pending = report.path("indexRecommendations").findParents("create").stream()
                .filter(r -> r.path("create").asText().contains("WHERE status = 'pending'")).findFirst().orElseThrow();
        assertThat(pending.path("statements")).as("the pending top-N and the pending count").hasSize(2);
        assertThat(pending.path("verifiedBy").asText()).isEqualTo("hypopg");
        assertThat(report.path("statements").get(0).path("indexCandidates").findValuesAsText("note"))
                .as("(status, created_at) was tried beside it").anyMatch(n -> n.startsWith("not used by the plan"));
        JsonNode dropped = report.path("droppedAlternatives");
        assertThat(dropped.findValuesAsText("index")).as("the count's own candidate, which the partial index beats")
                .containsExactly("CREATE INDEX ON public.orders (status) WHERE status = 'pending'");
        assertThat(dropped.get(0).path("reason").asText()).contains("planner cost");
        assertThat(report.path("statements").get(3).path("indexCandidates")).as("a primary-key lookup").isEmpty();
        assertThat(column("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"))
                .as("nothing built").isEqualTo(indexesBefore);
        assertThat(column("SELECT extname FROM pg_extension WHERE extname = 'hypopg'"))
                .as("the extension was created inside the analysis' transactions only").isEmpty();
    }

    @Test
    void candidatesTriedTogether_onlyTheOnesThePlanUsesAreKept() throws Exception {
        JsonNode report = analyze("SELECT * FROM orders WHERE customer_id = 17 AND status = 'pending'");
        JsonNode statement = report.path("statements").get(0);
        assertThat(statement.path("allCandidatesTogether").path("used")).as(statement.toPrettyString()).isNotEmpty();
        assertThat(statement.path("indexCandidates").findValuesAsText("note"))
                .anyMatch(n -> n.startsWith("not used by the plan when every candidate was available"));
        assertThat(report.path("indexRecommendations")).hasSize(1);
    }

    @Test
    void functionOnAColumn_getsAVerifiedExpressionIndex_aDateCastGetsTheRangeRewrite() throws Exception {
        JsonNode report = analyze("SELECT * FROM customers WHERE lower(email) = 'c17@example.com'",
                "SELECT count(*) FROM orders WHERE created_at::date = '2026-02-01'");
        assertThat(report.path("indexRecommendations").findValuesAsText("create")).as(report.toPrettyString())
                .contains("CREATE INDEX CONCURRENTLY ON public.customers ((lower(email)))");
        JsonNode cast = report.path("statements").get(1).path("plan").path("findings").findParents("rule").stream()
                .filter(f -> f.path("rule").asText().equals("non-sargable")).findFirst().orElseThrow();
        assertThat(cast.path("suggestion").asText()).contains("SELECT count(*) FROM orders WHERE created_at >= DATE"
                + " '2026-02-01' AND created_at < DATE '2026-02-01' + 1");
    }

    @Test
    void orAcrossColumns_getsTheIndexesABitmapOrCombines() throws Exception {
        JsonNode report = analyze("SELECT * FROM orders WHERE status = 'pending' OR customer_id = 17");
        JsonNode together = report.path("statements").get(0).path("allCandidatesTogether");
        assertThat(together.path("used")).as(report.toPrettyString()).hasSize(2);
        assertThat(together.path("costReductionPercent").asDouble()).isGreaterThanOrEqualTo(50);
        assertThat(report.path("indexRecommendations").findValuesAsText("create"))
                .anyMatch(c -> c.contains("(customer_id)")).anyMatch(c -> c.contains("status"));
    }

    @Test
    void textReport_leadsWithTheVerdict_thenWhatToCreate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("shop.sql");
        java.nio.file.Files.writeString(file, "SELECT * FROM orders WHERE status = 'pending' ORDER BY created_at DESC"
                + " LIMIT 10;\nSELECT count(*) FROM orders WHERE status = 'pending';\nSELECT * FROM orders WHERE"
                + " customer_id = 17;\nSELECT * FROM orders WHERE;\n");
        String text = AnalyzeCommand.analyze(List.of("--url", db.url(), "--sql", file.toString(), "--format", "text",
                "--index-trials", "hypopg"), java.util.Optional.empty());
        List<String> lines = text.lines().toList();
        assertThat(lines.get(0)).startsWith("perfgate analyze: 4 statement(s) from file ").endsWith("index trials: hypopg");
        assertThat(lines.get(1)).isEqualTo("VERDICT: 2 index(es) to create, " + lines.get(1).split(", ")[1]
                + ", 1 statement(s) not analyzed");
        assertThat(text).contains("CREATE INDEX CONCURRENTLY ON public.orders (created_at) WHERE status = 'pending';")
                .contains("Dropped (another recommended index serves their statements):")
                .contains("Statements, worst first:").contains("Not analyzed:").contains("syntax error");
    }

    private static List<String> column(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
