package dev.perfgate.sut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.perfgate.embedded.EmbeddedPostgres;

/** Health follows the database: 503 naming the failing component while it is down, 200 once it is back. */
class HealthTest {

    @Test
    void health_databaseStopped_is503_andRecoversWhenItReturns() throws Exception {
        assumeFalse(TestSut.external(), "stopping the database needs the embedded one");
        try (Sut sut = Sut.start(TestSut.config(Map.of("SUT_SCALE", "0.005", "SUT_DB_CONNECTION_TIMEOUT_MS", "500")))) {
            Http http = new Http("http://127.0.0.1:" + sut.port());
            assertThat(http.get("/api/performance/health").status()).isEqualTo(200);
            EmbeddedPostgres pg = sut.infrastructure().embedded().orElseThrow();

            pg.stop();
            try {
                Http.Response down = http.get("/api/performance/health");
                assertThat(down.status()).isEqualTo(503);
                assertThat(down.json().path("status").asText()).isEqualTo("DOWN");
                assertThat(down.json().path("error").asText()).isEqualTo("unavailable");
                assertThat(down.json().path("message").asText()).startsWith("database: ");
                assertThat(down.json().path("components").path("database").path("status").asText()).isEqualTo("DOWN");

                Http.Response api = http.get("/api/vendors?size=1");
                assertThat(api.status()).isEqualTo(503);
                assertThat(api.json().path("error").asText()).isEqualTo("database_unavailable");
                assertThat(api.header("Retry-After")).isEqualTo("1");
            } finally {
                pg.start();
            }

            int status = 0;
            for (int attempt = 0; attempt < 50 && status != 200; attempt++) {
                status = http.get("/api/performance/health").status();
                if (status != 200) {
                    Thread.sleep(200);
                }
            }
            assertThat(status).isEqualTo(200);
            assertThat(http.get("/api/vendors?size=1").status()).isEqualTo(200);
        }
    }
}
