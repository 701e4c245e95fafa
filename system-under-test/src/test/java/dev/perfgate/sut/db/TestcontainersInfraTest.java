package dev.perfgate.sut.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.Sut;
import dev.perfgate.sut.SutConfig;
import dev.perfgate.sut.TestSut;
import dev.perfgate.sut.db.InfraSettings;

/**
 * SUT_INFRA=testcontainers on the image a team names. Needs a Docker engine: without one (as on CI here) the
 * class is skipped; the same API is covered on embedded and external PostgreSQL by the rest of the suite.
 */
@Testcontainers(disabledWithoutDocker = true)
class TestcontainersInfraTest {

    @Test
    void testcontainers_servesTheApiOnTheNamedImage() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(Map.of("SUT_INFRA", "testcontainers",
                "SUT_TC_POSTGRES_IMAGE", "postgres:17-alpine", "SUT_SCALE", "0.005"));
        SutConfig config = TestSut.config(env);
        try (Sut sut = Sut.start(config)) {
            assertThat(sut.infrastructure().kind()).isEqualTo(InfraSettings.Kind.TESTCONTAINERS);
            assertThat(sut.infrastructure().redisUrl()).isPresent();
            Http http = new Http("http://127.0.0.1:" + sut.port());
            assertThat(http.get("/api/performance/health").status()).isEqualTo(200);
            assertThat(http.get("/api/vendors?size=3").json().path("items").size()).isEqualTo(3);
        }
    }
}
