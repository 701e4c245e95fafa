package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.Sut;
import dev.perfgate.sut.TestSut;

/**
 * A second service on the suite's database with tight limits: anonymous clients may send 3 at once and 2 per second.
 * Its own buckets start full, so the counts below are exact.
 */
class RateLimitHttpTest {
    private static final String PARTNER_KEY = "partner-key-for-tests-0001";
    private static Sut limited;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        limited = TestSut.startOnSharedDatabase(Map.of("SUT_REDIS_URL", "none", "SUT_CACHE_ENABLED", "false",
                "SUT_RATE_LIMITS", "anonymous=2/s:3,partner=100/s:200", "SUT_API_KEYS", PARTNER_KEY + "=partner"));
        http = new Http("http://127.0.0.1:" + limited.port());
    }

    @AfterAll
    static void stop() {
        limited.close();
    }

    @Test
    void emptyBucket_is429WithRetryAfter_thenServesAgainAfterThatLong() throws Exception {
        Http.Response last = null;
        int served = 0;
        for (int i = 0; i < 10; i++) {
            last = http.get("/api/vendors?size=1");
            if (last.status() != 200) {
                break;
            }
            served++;
            assertThat(last.header("X-RateLimit-Limit")).isEqualTo("3");
        }
        // the burst of 3, plus whatever refilled (2 per second) while those requests ran
        assertThat(served).isBetween(3, 9);
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.json().path("error").asText()).isEqualTo("rate_limited");
        assertThat(last.json().path("message").asText()).contains("anonymous");
        assertThat(last.header("X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(last.header("X-Content-Type-Options")).isEqualTo("nosniff");
        long retryAfter = Long.parseLong(last.header("Retry-After"));
        assertThat(retryAfter).isEqualTo(1);

        // health and metrics answer while the client is limited
        assertThat(http.get("/api/performance/health").status()).isEqualTo(200);
        assertThat(http.get("/metrics").status()).isEqualTo(200);
        // a client with a key has its own bucket and tier
        Http.Response keyed = http.get("/api/vendors?size=1", "X-Api-Key", PARTNER_KEY);
        assertThat(keyed.status()).isEqualTo(200);
        assertThat(keyed.header("X-RateLimit-Limit")).isEqualTo("200");

        Thread.sleep(retryAfter * 1000); // waiting what the service said is enough, whatever else happens
        assertThat(http.get("/api/vendors?size=1").status()).isEqualTo(200);

        JsonNode limits = http.get("/api/performance/metrics").json().path("rateLimits");
        assertThat(limits.path("enabled").asBoolean()).isTrue();
        assertThat(limits.path("tiers").path("anonymous").path("rejected").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(limits.path("tiers").path("anonymous").path("burst").asLong()).isEqualTo(3);
        assertThat(limits.path("tiers").path("partner").path("allowed").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(http.get("/metrics").body())
                .containsPattern("perfgate_ratelimit_requests_total\\{[^}]*outcome=\"rejected\"[^}]*tier=\"anonymous\"");
    }

    @Test
    void unknownApiKey_is401_withTheJsonError() {
        Http.Response r = http.get("/api/vendors?size=1", "X-Api-Key", "nobody-knows-this-key");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().path("error").asText()).isEqualTo("unknown_api_key");
        assertThat(r.header("WWW-Authenticate")).isEqualTo("ApiKey header=\"X-Api-Key\"");
    }
}
