package dev.perfgate.sut.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perfgate.analyzer.AnalyzeCommand;
import dev.perfgate.sut.Http;
import dev.perfgate.sut.TestSut;

/**
 * The service analyzes its own top statements on request, shows the result in its query report, and the
 * {@code analyze} command aimed at the same database with the same statements says the same thing (the command's
 * own cases are tested in the query-analyzer module).
 */
class QueryAnalysisTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] ADMIN = {"Authorization", "Bearer " + TestSut.ADMIN_TOKEN};

    private static void traffic(Http http) {
        for (int i = 0; i < 3; i++) {
            assertThat(http.get("/api/vendors?category=venue&size=20", "X-Perf-Mode", "naive").status()).isEqualTo(200);
            // naive mode bypasses the cache: every request reaches the database
            assertThat(http.get("/api/vendors?q=studio&size=10", "X-Perf-Mode", "naive").status()).isEqualTo(200);
            assertThat(http.get("/api/analytics/dashboard?org=1", "X-Perf-Mode", "naive").status()).isEqualTo(200);
            assertThat(http.get("/api/clients/1", "X-Perf-Mode", "naive").status()).isEqualTo(200);
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
}
