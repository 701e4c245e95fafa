package dev.perfgate.sut.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.TestSut;

/**
 * The service analyzes its own top statements on request, shows the result in its query report, and the
 * {@code analyze} command aimed at the same database with the same statements says the same thing.
 */
class QueryAnalysisTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] ADMIN = {"Authorization", "Bearer " + TestSut.ADMIN_TOKEN};

    private static void traffic(Http http) {
        for (int i = 0; i < 3; i++) {
            assertThat(http.get("/api/vendors?category=venue&size=20", "X-Perf-Mode", "baseline").status()).isEqualTo(200);
            // baseline mode bypasses the cache: every request reaches the database
            assertThat(http.get("/api/vendors?q=studio&size=10", "X-Perf-Mode", "baseline").status()).isEqualTo(200);
            assertThat(http.get("/api/analytics/dashboard?org=1", "X-Perf-Mode", "baseline").status()).isEqualTo(200);
            assertThat(http.get("/api/clients/1", "X-Perf-Mode", "baseline").status()).isEqualTo(200);
            assertThat(http.get("/api/clients?org=1&page=3&size=20").status()).isEqualTo(200);
        }
    }

    @Test
    void endpointAndCommand_sayTheSameOfTheSameStatements(@TempDir Path dir) throws Exception {
        Http http = Http.shared();
        http.post("/api/admin/metrics/reset", null, ADMIN);
        traffic(http);
        Http.Response analyzed = http.post("/api/admin/queries/analyze?top=8", null, ADMIN);
        assertThat(analyzed.status()).as(analyzed.body()).isEqualTo(200);
        JsonNode service = analyzed.json();
        JsonNode statements = service.path("statements");
        assertThat(statements).hasSize(8);
        List<String> sql = new ArrayList<>();
        for (JsonNode s : statements) {
            assertThat(s.has("error")).as(s.toPrettyString()).isFalse();
            assertThat(s.path("calls").asLong()).isPositive();
            assertThat(s.path("plan").path("score").asInt()).isBetween(0, 100);
            assertThat(s.path("sql").asText()).as("values written in").doesNotContain("?");
            sql.add(s.path("sql").asText());
        }
        // the report shows the latest analysis
        JsonNode report = http.get("/api/performance/queries").json();
        assertThat(report.path("analysis").path("statements").findValuesAsText("fingerprint"))
                .isEqualTo(statements.findValuesAsText("fingerprint"));
        assertThat(report.path("indexRecommendations").isArray()).isTrue();

        Path file = dir.resolve("statements.sql");
        Files.writeString(file, String.join(";\n", sql) + ";\n");
        JsonNode command = MAPPER.readTree(AnalyzeCommand.analyze(List.of("--url",
                TestSut.get().infrastructure().primaryUrl(), "--sql", file.toString()), Optional.empty()));
        assertThat(command.path("statements")).hasSize(statements.size());
        for (int i = 0; i < statements.size(); i++) {
            JsonNode a = statements.get(i);
            JsonNode b = command.path("statements").get(i);
            assertThat(b.path("fingerprint").asText()).isEqualTo(a.path("fingerprint").asText());
            assertThat(b.path("plan").path("findings")).as(a.path("sql").asText())
                    .isEqualTo(a.path("plan").path("findings"));
            assertThat(b.path("plan").path("score")).isEqualTo(a.path("plan").path("score"));
            assertThat(b.path("indexCandidates").findValuesAsText("index"))
                    .isEqualTo(a.path("indexCandidates").findValuesAsText("index"));
        }
        assertThat(command.path("indexRecommendations").findValuesAsText("create"))
                .isEqualTo(service.path("indexRecommendations").findValuesAsText("create"));
    }

    @Test
    void analyze_needsTheAdminToken() {
        Http.Response r = Http.shared().post("/api/admin/queries/analyze", null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().path("field").asText()).isEqualTo("Authorization");
        Http.Response bad = Http.shared().post("/api/admin/queries/analyze?top=0", null, ADMIN);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("field").asText()).isEqualTo("top");
    }

    @Test
    void command_readsTheDatabasesOwnStatementStatistics() throws Exception {
        assumeFalse(TestSut.external(), "pg_stat_statements is preloaded in the embedded server only");
        traffic(Http.shared());
        JsonNode command = MAPPER.readTree(AnalyzeCommand.analyze(List.of("--url",
                TestSut.get().infrastructure().primaryUrl(), "--top", "100", "--no-index-advisor"), Optional.empty()));
        assertThat(command.path("source").asText()).isEqualTo("pg_stat_statements");
        JsonNode statements = command.path("statements");
        assertThat(statements).isNotEmpty();
        assertThat(statements.findValuesAsText("fingerprint")).anyMatch(f -> f.contains("from vendors v"));
        for (JsonNode s : statements) {
            assertThat(s.path("calls").asLong()).isPositive();
            if (s.has("plan")) {
                // pg_stat_statements replaces constants with $n: those statements get a generic plan
                assertThat(s.path("plan").path("generic").asBoolean()).as(s.path("sql").asText())
                        .isEqualTo(s.path("sql").asText().matches("(?s).*\\$\\d.*"));
            }
        }
        assertThat(statements.findValues("plan")).as("most statements get a generic plan").hasSizeGreaterThan(
                statements.size() / 2);
    }

    @Test
    void command_badStatementsAreReportedOneByOne_theOthersStillAnalyzed(@TempDir Path dir) throws Exception {
        assumeFalse(TestSut.external(), "creates a role: only on the embedded server");
        String url = TestSut.get().infrastructure().primaryUrl();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS perfgate_limited");
            s.execute("CREATE ROLE perfgate_limited LOGIN");
            s.execute("GRANT SELECT ON vendors TO perfgate_limited");
        }
        try {
            Path file = dir.resolve("mixed.sql");
            Files.writeString(file, "SELECT * FROM vendors WHERE;\nSELECT * FROM clients WHERE id = 1;\n"
                    + "SELECT * FROM vendors WHERE id = 1;\n");
            JsonNode report = MAPPER.readTree(AnalyzeCommand.analyze(List.of("--url",
                    url.replace("user=postgres", "user=perfgate_limited"), "--sql", file.toString()), Optional.empty()));
            JsonNode statements = report.path("statements");
            assertThat(statements).hasSize(3);
            assertThat(statements.get(0).path("error").asText()).as(report.toPrettyString()).contains("syntax error");
            assertThat(statements.get(1).path("error").asText()).contains("permission denied for table clients");
            assertThat(statements.get(2).has("error")).isFalse();
            assertThat(statements.get(2).path("plan").path("totalCost").asDouble()).isPositive();
        } finally {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
                 java.sql.Statement s = c.createStatement()) {
                s.execute("REVOKE ALL ON vendors FROM perfgate_limited");
                s.execute("DROP ROLE perfgate_limited");
            }
        }
    }

    @Test
    void command_emptyFileOrUnreachableDatabase_isOneLineNamingTheCause(@TempDir Path dir) throws Exception {
        Path empty = dir.resolve("empty.sql");
        Files.writeString(empty, "  -- nothing here\n;\n");
        assertThat(exit(List.of("--url", "jdbc:postgresql://127.0.0.1/x", "--sql", empty.toString())))
                .contains("holds no statement");
        Path one = dir.resolve("one.sql");
        Files.writeString(one, "SELECT 1;");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AnalyzeCommand.run(List.of("--url", "jdbc:postgresql://127.0.0.1:1/x?connectTimeout=2", "--sql",
                one.toString()), Optional.empty(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).startsWith("analyze failed: Connection to 127.0.0.1:1")
                .doesNotContain("\n");
    }

    @Test
    void command_rejectsBadArguments() {
        assertThat(exit(List.of("--top", "0", "--url", "jdbc:postgresql://127.0.0.1/x"))).contains("--top was \"0\"");
        assertThat(exit(List.of("--frobnicate"))).contains("unknown argument \"--frobnicate\"");
        assertThat(exit(List.of())).contains("no database");
        assertThat(exit(List.of("--url", "mysql://x"))).contains("must be a jdbc:postgresql: URL");
        assertThat(exit(List.of("--url", "jdbc:postgresql://127.0.0.1/x", "--sql", "/nonexistent.sql")))
                .contains("not a readable file");
        assertThat(exit(List.of("--url", "jdbc:postgresql://127.0.0.1/x", "--index-trials", "guess")))
                .contains("--index-trials was \"guess\", must be auto, hypopg or build");
        assertThat(exit(List.of("--url", "jdbc:postgresql://127.0.0.1/x", "--max-build-rows", "-1")))
                .contains("--max-build-rows was \"-1\", must be an integer from 0 up");
        assertThat(exit(List.of("--url", "jdbc:postgresql://127.0.0.1/x", "--format", "yaml")))
                .contains("--format was \"yaml\", must be json or text");
        assertThat(exit(List.of("--url", "jdbc:postgresql://127.0.0.1/x", "--lock-timeout-ms", "0")))
                .contains("--lock-timeout-ms was \"0\", must be an integer from 1 to 10000");
    }

    private static String exit(List<String> args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AnalyzeCommand.run(args, Optional.empty(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        return err.toString(StandardCharsets.UTF_8);
    }
}
