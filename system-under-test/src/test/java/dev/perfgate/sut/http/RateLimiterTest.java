package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import dev.perfgate.sut.contract.ApiException;

/** The limiter on a clock the test moves, so refills are exact and nothing sleeps. */
class RateLimiterTest {
    private static final String PARTNER_KEY = "partner-key-0123456789";

    private static final class ManualClock implements TimeMeter {
        long nanos = 1_000_000_000L;

        @Override
        public long currentTimeNanos() {
            return nanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }

        void advance(Duration d) {
            nanos += d.toNanos();
        }
    }

    private final ManualClock clock = new ManualClock();
    private final RateLimiter limiter = new RateLimiter(RateLimiter.parseTiers("anonymous=2/s:3,partner=100/m:10"),
            Map.of(PARTNER_KEY, "partner"), clock, new SimpleMeterRegistry());

    @Test
    void burstIsServed_thenRefused_withTheSecondsUntilATokenIsBack() {
        for (int i = 2; i >= 0; i--) {
            RateLimiter.Decision d = limiter.check(null, "10.0.0.1");
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isEqualTo(i);
        }
        RateLimiter.Decision refused = limiter.check(null, "10.0.0.1");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1); // 2 per second: a token in 0.5 s, rounded up
        assertThat(refused.tier().name()).isEqualTo("anonymous");
    }

    @Test
    void refill_restoresService_atTheTiersRate() {
        for (int i = 0; i < 3; i++) {
            limiter.check(null, "10.0.0.1");
        }
        assertThat(limiter.check(null, "10.0.0.1").allowed()).isFalse();
        clock.advance(Duration.ofMillis(499));
        assertThat(limiter.check(null, "10.0.0.1").allowed()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(limiter.check(null, "10.0.0.1").allowed()).isTrue(); // one token after half a second
        assertThat(limiter.check(null, "10.0.0.1").allowed()).isFalse();
        clock.advance(Duration.ofSeconds(10));
        assertThat(limiter.check(null, "10.0.0.1").remaining()).isEqualTo(2); // refilled to the burst, no further
    }

    @Test
    void eachClientHasItsOwnBucket_andKeysTakeTheirTier() {
        for (int i = 0; i < 3; i++) {
            limiter.check(null, "10.0.0.1");
        }
        assertThat(limiter.check(null, "10.0.0.1").allowed()).isFalse();
        assertThat(limiter.check(null, "10.0.0.2").allowed()).isTrue(); // another address
        RateLimiter.Decision keyed = limiter.check(PARTNER_KEY, "10.0.0.1"); // same address, with a key
        assertThat(keyed.allowed()).isTrue();
        assertThat(keyed.tier().name()).isEqualTo("partner");
        assertThat(keyed.remaining()).isEqualTo(9);
        for (int i = 0; i < 9; i++) {
            limiter.check(PARTNER_KEY, "10.9.9.9"); // the key's bucket follows the key, not the address
        }
        RateLimiter.Decision refused = limiter.check(PARTNER_KEY, "10.0.0.3");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(1); // 100 per minute: a token in 0.6 s
    }

    @Test
    void unknownKey_is401_notAnonymous() {
        assertThatThrownBy(() -> limiter.check("not-a-known-key-000", "10.0.0.1"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.code()).isEqualTo("unknown_api_key");
                });
    }

    @Test
    void snapshot_countsAllowedAndRejectedPerTier() {
        for (int i = 0; i < 5; i++) {
            limiter.check(null, "10.0.0.1");
        }
        var anonymous = limiter.snapshot().tiers().get("anonymous");
        assertThat(anonymous.allowed()).isEqualTo(3L);
        assertThat(anonymous.rejected()).isEqualTo(2L);
        assertThat(anonymous.perSecond()).isEqualTo(2.0);
        assertThat(anonymous.burst()).isEqualTo(3L);
    }

    @Test
    void exempt_coversHealthAndMetricsOnly() {
        assertThat(RateLimiter.exempt("/api/performance/health")).isTrue();
        assertThat(RateLimiter.exempt("/api/performance/metrics/stream")).isTrue();
        assertThat(RateLimiter.exempt("/metrics")).isTrue();
        assertThat(RateLimiter.exempt("/api/clients")).isFalse();
        assertThat(RateLimiter.exempt("/metricsx")).isFalse();
    }

    @Test
    void parseTiers_readsUnitsAndBursts_andNamesWhatIsWrong() {
        List<RateLimiter.Tier> tiers = RateLimiter.parseTiers("anonymous=50/s:100, bulk=600/h");
        assertThat(tiers.get(0)).isEqualTo(new RateLimiter.Tier("anonymous", 50, Duration.ofSeconds(1), 100));
        assertThat(tiers.get(1).burst()).isEqualTo(600);
        assertThat(tiers.get(1).perSecond()).isEqualTo(600.0 / TimeUnit.HOURS.toSeconds(1));
        assertThatThrownBy(() -> RateLimiter.parseTiers("partner=5/s")).hasMessageContaining("anonymous");
        assertThatThrownBy(() -> RateLimiter.parseTiers("anonymous=5/d")).hasMessageContaining("\"anonymous=5/d\"");
        assertThatThrownBy(() -> RateLimiter.parseTiers("anonymous=0/s")).hasMessageContaining("1 to 1000000");
        assertThatThrownBy(() -> RateLimiter.parseTiers("anonymous=1/s,anonymous=2/s")).hasMessageContaining("twice");
    }

    @Test
    void parseKeys_checksTiers_andNeverEchoesAKey() {
        assertThat(RateLimiter.parseKeys(PARTNER_KEY + "=partner", Set.of("anonymous", "partner")))
                .containsEntry(PARTNER_KEY, "partner");
        assertThatThrownBy(() -> RateLimiter.parseKeys(PARTNER_KEY + "=gold", Set.of("anonymous", "partner")))
                .hasMessageContaining("\"gold\"").hasMessageNotContaining(PARTNER_KEY);
        assertThatThrownBy(() -> RateLimiter.parseKeys("short=partner", Set.of("partner")))
                .hasMessageContaining("entry 1").hasMessageNotContaining("short");
    }
}
