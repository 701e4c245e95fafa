package dev.perfgate.sut;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.perfgate.sut.db.InfraSettings;

class SutConfigTest {

    private static SutConfig config(Map<String, String> env) {
        return SutConfig.from(env, new Properties());
    }

    @Test
    void defaults_embeddedOnPort8080AtScale1() {
        SutConfig c = config(Map.of());
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.infrastructure().kind()).isEqualTo(InfraSettings.Kind.EMBEDDED);
        assertThat(c.seeding().scale()).isEqualTo(1.0);
        assertThat(c.infrastructure().dbUrl()).isEmpty();
        assertThat(c.infrastructure().redisUrl()).isEmpty();
        assertThat(c.access().adminTokenGenerated()).isTrue();
        assertThat(c.access().adminToken()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(c.pools().writePoolSize()).isEqualTo(10);
    }

    @Test
    void dbUrl_set_impliesExternal() {
        SutConfig c = config(Map.of("SUT_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
        assertThat(c.infrastructure().kind()).isEqualTo(InfraSettings.Kind.EXTERNAL);
    }

    @Test
    void systemProperty_winsOverEnvironment() {
        Properties p = new Properties();
        p.setProperty("sut.port", "9001");
        p.setProperty("sut.db.pool.size", "7");
        SutConfig c = SutConfig.from(Map.of("SUT_PORT", "9000"), p);
        assertThat(c.port()).isEqualTo(9001);
        assertThat(c.pools().writePoolSize()).isEqualTo(7);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SUT_PORT|abc|SUT_PORT was \"abc\", must be an integer from 0 to 65535",
        "SUT_PORT|70000|SUT_PORT was \"70000\", must be an integer from 0 to 65535",
        "SUT_SCALE|abc|SUT_SCALE was \"abc\", must be a number greater than 0 and at most 100",
        "SUT_SCALE|0|SUT_SCALE was \"0\", must be a number greater than 0 and at most 100",
        "SUT_INFRA|docker|SUT_INFRA was \"docker\", must be one of embedded, external, testcontainers",
        "SUT_DB_URL|postgres://x|SUT_DB_URL was \"postgres://x\", must be a PostgreSQL JDBC URL starting with jdbc:postgresql://",
        "SUT_REDIS_URL|localhost:6379|SUT_REDIS_URL was \"localhost:6379\", must be redis://host:port (or rediss://), or none for L1 only",
        "SUT_DB_POOL_SIZE|0|SUT_DB_POOL_SIZE was \"0\", must be an integer from 1 to 200",
        "SUT_DB_LEAK_DETECTION_MS|500|SUT_DB_LEAK_DETECTION_MS was \"500\", must be 0 (off) or an integer from 2000 to 600000",
        "SUT_SEED_ON_START|yes|SUT_SEED_ON_START was \"yes\", must be true or false",
        "SUT_SEED|1.5|SUT_SEED was \"1.5\", must be an integer",
        "SUT_MAX_BODY_BYTES|10|SUT_MAX_BODY_BYTES was \"10\", must be an integer from 256 to 10485760",
        "SUT_QUERY_SLOW_MS|0|SUT_QUERY_SLOW_MS was \"0\", must be an integer from 1 to 600000",
        "SUT_REDIS_TIMEOUT_MS|1|SUT_REDIS_TIMEOUT_MS was \"1\", must be an integer from 5 to 10000",
        "SUT_CACHE_SYNC_MS|5|SUT_CACHE_SYNC_MS was \"5\", must be an integer from 20 to 10000",
        "SUT_CACHE_ENABLED|on|SUT_CACHE_ENABLED was \"on\", must be true or false",
        "SUT_QUERY_EXPLAIN_ANALYZE|1|SUT_QUERY_EXPLAIN_ANALYZE was \"1\", must be true or false",
        "SUT_CACHE_STRATEGIES|standard:l1=1/1s,l2=1s|SUT_CACHE_STRATEGIES was \"standard:l1=1/1s,l2=1s\", strategy \"high-traffic\" is missing (the service's caches use high-traffic, standard and analytics)",
        "SUT_QUERY_NPLUSONE_THRESHOLD|1|SUT_QUERY_NPLUSONE_THRESHOLD was \"1\", must be an integer from 2 to 1000",
        "SUT_TC_POSTGRES_IMAGE|bad image!|SUT_TC_POSTGRES_IMAGE was \"bad image!\", must be a container image name such as postgres:17-alpine",
    })
    void badValue_namesKeyValueAndRule(String key, String value, String message) {
        assertThatThrownBy(() -> config(Map.of(key, value)))
                .isInstanceOf(SutConfig.ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void unknownKey_isRejectedWithTheKnownOnes() {
        assertThatThrownBy(() -> config(Map.of("SUT_PROT", "8080")))
                .isInstanceOf(SutConfig.ConfigException.class)
                .hasMessageContaining("SUT_PROT was \"8080\", is not a known setting; known settings are SUT_PORT,");
    }

    @Test
    void unknownSystemProperty_isRejected() {
        Properties p = new Properties();
        p.setProperty("sut.scael", "2");
        assertThatThrownBy(() -> SutConfig.from(Map.of(), p))
                .hasMessageContaining("sut.scael was \"2\", is not a known setting");
    }

    @Test
    void shortAdminToken_isRejectedWithoutEchoingIt() {
        assertThatThrownBy(() -> config(Map.of("SUT_ADMIN_TOKEN", "secret")))
                .hasMessageContaining("SUT_ADMIN_TOKEN was \"<hidden, 6 characters>\", must be at least 16 characters")
                .hasMessageNotContaining("secret\"");
    }

    @Test
    void externalWithoutUrl_isRejected() {
        assertThatThrownBy(() -> config(Map.of("SUT_INFRA", "external")))
                .hasMessageContaining("SUT_INFRA was \"external\", needs SUT_DB_URL to name the database");
    }

    @Test
    void embeddedWithUrl_isAConflict() {
        assertThatThrownBy(() -> config(Map.of("SUT_INFRA", "embedded", "SUT_DB_URL", "jdbc:postgresql://h/db")))
                .hasMessageContaining("SUT_INFRA was \"embedded\", conflicts with SUT_DB_URL");
    }

    @Test
    void severalProblems_areAllReported() {
        assertThatThrownBy(() -> config(Map.of("SUT_PORT", "x", "SUT_SCALE", "-1")))
                .isInstanceOfSatisfying(SutConfig.ConfigException.class,
                        e -> assertThat(e.problems()).hasSize(2));
    }
}
