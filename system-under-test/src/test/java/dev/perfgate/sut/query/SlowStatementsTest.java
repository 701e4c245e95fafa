package dev.perfgate.sut.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.Sut;
import dev.perfgate.sut.TestSut;

/** Slow statements are logged with a plan taken off the request path, with the statement's own bind values. */
class SlowStatementsTest {

    @Test
    void slowStatement_isLoggedWithItsPlan() throws Exception {
        try (Sut sut = Sut.start(TestSut.config(Map.of("SUT_SCALE", "0.005", "SUT_QUERY_SLOW_MS", "1")))) {
            Http http = new Http("http://127.0.0.1:" + sut.port());
            http.post("/api/admin/metrics/reset", null, "Authorization", "Bearer " + TestSut.ADMIN_TOKEN);
            for (int i = 0; i < 3; i++) {
                // naive mode bypasses the cache, so every request runs its SQL (another instance on the same
                // database may have cached the dashboard in Redis already)
                assertThat(http.get("/api/analytics/dashboard?org=1", "X-Perf-Mode", "naive").status())
                        .isEqualTo(200);
            }
            JsonNode planned = null;
            for (int attempt = 0; attempt < 50 && planned == null; attempt++) {
                JsonNode slow = http.get("/api/performance/queries").json().path("slowStatements");
                assertThat(slow.path("thresholdMs").asInt()).isEqualTo(1);
                for (JsonNode entry : slow.path("recent")) {
                    if (entry.has("plan") && entry.path("route").asText().equals("GET /api/analytics/dashboard")) {
                        planned = entry;
                    }
                }
                if (planned == null) {
                    Thread.sleep(100);
                }
            }
            assertThat(planned).as("a planned slow statement of the dashboard").isNotNull();
            assertThat(planned.path("durationMs").asDouble()).isGreaterThanOrEqualTo(1.0);
            assertThat(planned.has("planError")).as(planned.toPrettyString()).isFalse();
            JsonNode plan = planned.path("plan");
            assertThat(plan.path("totalCost").asDouble()).isPositive();
            assertThat(plan.path("json").path("Plan").path("Node Type").asText()).isNotEmpty();
            assertThat(plan.path("score").asInt()).isBetween(0, 100);
            assertThat(plan.path("findings").isArray()).isTrue();
            // the statement as it ran, values written in: the organization id of the request
            assertThat(planned.path("sql").asText()).doesNotContain("?").contains("1");
            // EXPLAIN ran on the maintenance connection: it is neither counted nor flagged as the route's statement
            JsonNode report = http.get("/api/performance/queries").json();
            assertThat(report.path("fingerprints").findValuesAsText("fingerprint"))
                    .noneMatch(f -> f.startsWith("explain"));
        }
    }
}
