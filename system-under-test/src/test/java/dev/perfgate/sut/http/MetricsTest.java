package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.TestSut;
import dev.perfgate.sut.contract.Json;
import dev.perfgate.sut.contract.PerformanceFigures;

class MetricsTest {
    private final Http http = Http.shared();

    @Test
    void prometheus_hasRouteTimersPoolsAndJvm() {
        http.get("/api/vendors?size=1");
        Http.Response r = http.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        assertThat(r.body())
                .contains("http_server_requests_seconds_bucket{")
                .contains("route=\"/api/vendors\"")
                .contains("hikaricp_connections_active{")
                .contains("pool=\"perfgate-write\"")
                .contains("jvm_memory_used_bytes");
    }

    /**
     * The bodies are their records, field for field: read back strictly (an unknown field fails) and written again,
     * they are what the service sent, so no field can slip past the contract either way.
     */
    @Test
    void metricsAndHealth_areTheirTypedContracts_withASchemaVersion() throws Exception {
        http.get("/api/vendors/1");
        var strict = Json.MAPPER.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        String metricsBody = http.get("/api/performance/metrics").body();
        PerformanceFigures metrics = strict.readValue(metricsBody, PerformanceFigures.class);
        assertThat(metrics.schemaVersion()).isEqualTo(PerformanceFigures.SCHEMA_VERSION);
        assertThat(metrics.endpoints()).extracting(PerformanceFigures.Endpoint::route).contains("GET /api/vendors/{id}");
        assertThat(metrics.pools()).containsKeys("write", "read");
        assertThat(metrics.jvm().processors()).isPositive();
        assertThat(strict.readTree(Json.bytes(metrics))).isEqualTo(strict.readTree(metricsBody));

        String healthBody = http.get("/api/performance/health").body();
        PerformanceFigures.Health health = strict.readValue(healthBody, PerformanceFigures.Health.class);
        assertThat(health.status()).isEqualTo("UP");
        assertThat(health.components().get("database").pool().max()).isPositive();
        assertThat(strict.readTree(Json.bytes(health))).isEqualTo(strict.readTree(healthBody));
    }

    @Test
    void performanceJson_countsRequestsWithExactPercentiles() {
        for (int i = 0; i < 5; i++) {
            http.get("/api/vendors/1");
        }
        http.get("/api/vendors/99999999");
        JsonNode endpoints = http.get("/api/performance/metrics").json().path("endpoints");
        JsonNode vendor = null;
        for (JsonNode e : endpoints) {
            if (e.path("route").asText().equals("GET /api/vendors/{id}")) {
                vendor = e;
            }
        }
        assertThat(vendor).isNotNull();
        assertThat(vendor.path("count").asLong()).isGreaterThanOrEqualTo(6);
        assertThat(vendor.path("clientErrors").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(vendor.path("p50Ms").asDouble()).isPositive();
        assertThat(vendor.path("p99Ms").asDouble()).isGreaterThanOrEqualTo(vendor.path("p50Ms").asDouble());
        assertThat(vendor.path("maxMs").asDouble()).isGreaterThanOrEqualTo(vendor.path("p99Ms").asDouble());
    }

    @Test
    void adminReset_needsTheTokenAndClearsCounts() {
        Http.Response denied = http.post("/api/admin/metrics/reset", null);
        assertThat(denied.status()).isEqualTo(401);
        assertThat(denied.header("WWW-Authenticate")).isEqualTo("Bearer");
        Http.Response wrong = http.post("/api/admin/metrics/reset", null, "Authorization", "Bearer nope");
        assertThat(wrong.status()).isEqualTo(401);

        http.get("/api/analytics/vendors?org=1");
        Http.Response ok = http.post("/api/admin/metrics/reset", null, "Authorization", "Bearer " + TestSut.ADMIN_TOKEN);
        assertThat(ok.status()).isEqualTo(200);
        JsonNode endpoints = http.get("/api/performance/metrics").json().path("endpoints");
        assertThat(endpoints.findValuesAsText("route")).doesNotContain("GET /api/analytics/vendors");
    }
}
