package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.TestSut;
import dev.perfgate.sut.contract.Json;
import dev.perfgate.sut.query.QueryReport;

/** Statement statistics through the service: N+1 suspects with their code location, fingerprints, statements per route. */
class QueryReportTest {
    private final Http http = Http.shared();

    @BeforeEach
    void reset() {
        assertThat(http.post("/api/admin/metrics/reset", null, "Authorization", "Bearer " + TestSut.ADMIN_TOKEN).status())
                .isEqualTo(200);
    }

    private JsonNode report() {
        Http.Response r = http.get("/api/performance/queries");
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    /** The body is its record, field for field: read strictly (an unknown field fails) and written back the same. */
    @Test
    void report_isItsTypedContract() throws Exception {
        http.get("/api/vendors?size=20", "X-Perf-Mode", "naive");
        String body = http.get("/api/performance/queries").body();
        var strict = Json.MAPPER.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        QueryReport report = strict.readValue(body, QueryReport.class);
        assertThat(report.schemaVersion()).isEqualTo(QueryReport.SCHEMA_VERSION);
        assertThat(report.nPlusOneSuspects()).extracting(dev.perfgate.sut.query.StatementStats.SuspectFigures::route).contains("GET /api/vendors");
        assertThat(report.fingerprints()).isNotEmpty();
        assertThat(report.statementsPerRequest()).extracting(QueryReport.RouteStatements::route)
                .contains("GET /api/vendors");
        assertThat(strict.readTree(Json.bytes(report))).isEqualTo(strict.readTree(body));
    }

    @Test
    void vendorSearch_naiveIsFlaggedAsNPlusOne_optimizedIsNot() {
        Http.Response optimized = http.get("/api/vendors?size=20");
        assertThat(report().path("nPlusOneSuspects")).isEmpty();

        Http.Response naive = http.get("/api/vendors?size=20", "X-Perf-Mode", "naive");
        assertThat(naive.json()).isEqualTo(optimized.json());
        assertThat(naive.queryCount()).isEqualTo(optimized.queryCount() + 20); // one more per vendor on the page

        JsonNode report = report();
        assertThat(report.path("schemaVersion").asInt()).isEqualTo(1);
        JsonNode suspects = report.path("nPlusOneSuspects");
        assertThat(suspects).singleElement().satisfies(s -> {
            assertThat(s.path("requests").asLong()).isEqualTo(1);
            assertThat(s.path("route").asText()).isEqualTo("GET /api/vendors");
            assertThat(s.path("fingerprint").asText()).startsWith("select v.id, v.name").endsWith("where v.id = ?");
            assertThat(s.path("maxPerRequest").asInt()).isEqualTo(20);
            assertThat(s.path("location").asText()).startsWith("Vendors.").contains("Vendors.java:");
        });
    }

    @Test
    void budget_naiveNPlusOne_isAttributedToItsRoute() {
        long id = TestSut.queryLong("SELECT client_id FROM budget_items GROUP BY client_id HAVING count(*) >= 8"
                + " ORDER BY client_id LIMIT 1");
        http.get("/api/clients/" + id + "/budget", "X-Perf-Mode", "naive");
        JsonNode suspects = report().path("nPlusOneSuspects");
        assertThat(suspects.findValuesAsText("route")).containsOnly("GET /api/clients/{id}/budget");
        assertThat(suspects.findValuesAsText("fingerprint"))
                .anySatisfy(f -> assertThat(f).contains("from payments where budget_item_id = ?"));
    }

    @Test
    void fingerprints_mergeCalls_andStatementsPerRouteAreCounted() {
        for (int i = 1; i <= 3; i++) {
            http.get("/api/vendors/" + i);
        }
        JsonNode report = report();
        JsonNode vendorById = null;
        for (JsonNode f : report.path("fingerprints")) {
            if (f.path("fingerprint").asText().startsWith("select v.id, v.name") && f.path("fingerprint").asText()
                    .endsWith("where v.id = ?")) {
                vendorById = f;
            }
        }
        assertThat(vendorById).isNotNull();
        assertThat(vendorById.path("calls").asLong()).isEqualTo(3);
        assertThat(vendorById.path("routes").path("GET /api/vendors/{id}").asLong()).isEqualTo(3);
        assertThat(report.path("statementsPerRequest").findValuesAsText("route")).contains("GET /api/vendors/{id}");
        assertThat(report.path("nPlusOneSuspects")).isEmpty();
    }
}
