package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.Sut;
import dev.perfgate.sut.SutConfig;
import dev.perfgate.sut.TestSut;

/** The service's own time per response, and the faults a load test injects to prove its gate. */
class FaultsTest {

    private static double serverMs(Http.Response r) {
        String header = r.header("Server-Timing");
        assertThat(header).matches("app;dur=\\d+\\.\\d{3}");
        return Double.parseDouble(header.substring("app;dur=".length()));
    }

    @Test
    void everyAnswer_carriesServerTiming_inMicroseconds() {
        long id = TestSut.queryLong("SELECT min(id) FROM clients");
        Http http = Http.shared();
        assertThat(serverMs(http.get("/api/clients/" + id))).isPositive();
        assertThat(serverMs(http.get("/api/clients/0"))).isPositive(); // errors too
    }

    @Test
    void delayAndStatementFaults_slowAndAddAQuery_onTheirRouteOnly() throws Exception {
        long id = TestSut.queryLong("SELECT min(id) FROM clients");
        Http plain = Http.shared();
        int budgetQueries = plain.get("/api/clients/" + id + "/budget", "X-Perf-Mode", "naive").queryCount();
        int detailQueries = plain.get("/api/clients/" + id, "X-Perf-Mode", "naive").queryCount();
        try (Sut faulty = TestSut.startOnSharedDatabase(Map.of("SUT_REDIS_URL", "none", "SUT_FAULTS",
                "delay@GET /api/clients/{id}/timeline=120; statement@GET /api/clients/{id}/budget"))) {
            Http http = new Http("http://127.0.0.1:" + faulty.port());
            assertThat(serverMs(http.get("/api/clients/" + id + "/timeline"))).isGreaterThanOrEqualTo(120);
            assertThat(http.get("/api/clients/" + id + "/budget", "X-Perf-Mode", "naive").queryCount())
                    .isEqualTo(budgetQueries + 1);
            assertThat(http.get("/api/clients/" + id, "X-Perf-Mode", "naive").queryCount()).isEqualTo(detailQueries);
        }
    }

    @Test
    void badFaults_stopStartUp_namingTheEntry() {
        assertThatThrownBy(() -> TestSut.config(Map.of("SUT_FAULTS", "delay@GET /api/x=abc")))
                .isInstanceOf(SutConfig.ConfigException.class)
                .hasMessageContaining("SUT_FAULTS was \"delay@GET /api/x=abc\", entry \"delay@GET /api/x=abc\" must be"
                        + " delay@ROUTE=MS with MS from 1 to 60000");
        assertThatThrownBy(() -> Faults.parse("slow@GET /x")).hasMessageContaining("must start with delay@ or statement@");
        assertThatThrownBy(() -> Faults.parse("statement@GET /api/nope").requireKnown(java.util.Set.of("GET /api/x")))
                .hasMessageContaining("SUT_FAULTS names route \"GET /api/nope\"");
    }
}
