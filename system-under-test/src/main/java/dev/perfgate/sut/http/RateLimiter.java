package dev.perfgate.sut.http;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.contract.PerformanceFigures;


/**
 * Per-client token buckets (Bucket4j), one per API key or, for requests without a key, per remote address; each
 * client's bucket takes the limits of its tier. A request that finds its bucket empty is refused with 429 and
 * {@code Retry-After}, the seconds until a token is back.
 *
 * <p>Buckets live in Caffeine maps bounded to {@value #MAX_CLIENTS} clients (the least used go first), so a scan
 * from many addresses cannot grow memory without bound; a forgotten client starts again with a full bucket.
 */
public final class RateLimiter {
    /** Tier of requests without an API key. */
    public static final String ANONYMOUS = "anonymous";
    /** The request header that carries an API key. */
    public static final String API_KEY_HEADER = "X-Api-Key";
    private static final Pattern TIER = Pattern.compile("([a-z][a-z0-9_-]*)=(\\d+)/(s|m|h)(?::(\\d+))?");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{16,128}");
    private static final long MAX_CLIENTS = 100_000;

    /** A tier: {@code tokens} per {@code period}, refilled continuously, holding at most {@code burst}. */
    public record Tier(String name, long tokens, Duration period, long burst) {
        /** Returns the sustained rate in requests per second. */
        public double perSecond() {
            return tokens * 1e9 / period.toNanos();
        }
    }

    /** What the limiter decided for one request. */
    public record Decision(boolean allowed, Tier tier, long remaining, long retryAfterSeconds) {
    }

    /** A tier with what it did and how it makes a bucket (held once, so that a check captures nothing). */
    private static final class TierState {
        final Tier tier;
        final LongAdder allowed = new LongAdder();
        final LongAdder rejected = new LongAdder();
        final Function<String, Bucket> newBucket;

        TierState(Tier tier, TimeMeter clock) {
            this.tier = tier;
            this.newBucket = client -> Bucket.builder()
                    .addLimit(Bandwidth.builder().capacity(tier.burst()).refillGreedy(tier.tokens(), tier.period())
                            .build())
                    .withCustomTimePrecision(clock)
                    .build();
        }
    }

    private final Map<String, TierState> tiers = new LinkedHashMap<>();
    private final Map<String, TierState> byApiKey = new HashMap<>();
    private final TierState anonymous;
    /** Buckets by API key and by remote address: two maps, so that a check builds no combined key. */
    private final Cache<String, Bucket> keyBuckets;
    private final Cache<String, Bucket> addressBuckets;

    /**
     * @param tiers   the tiers, one of them named {@value #ANONYMOUS}
     * @param apiKeys API key to tier name
     * @param clock   the time source of every bucket (tests pass a manual one)
     */
    public RateLimiter(List<Tier> tiers, Map<String, String> apiKeys, TimeMeter clock, MeterRegistry registry) {
        for (Tier t : tiers) {
            TierState state = new TierState(t, clock);
            this.tiers.put(t.name(), state);
            FunctionCounter.builder("perfgate.ratelimit.requests", state.allowed, LongAdder::sum)
                    .tag("tier", t.name()).tag("outcome", "allowed")
                    .description("Requests checked by the rate limiter").register(registry);
            FunctionCounter.builder("perfgate.ratelimit.requests", state.rejected, LongAdder::sum)
                    .tag("tier", t.name()).tag("outcome", "rejected")
                    .description("Requests checked by the rate limiter").register(registry);
            Gauge.builder("perfgate.ratelimit.rate", t, Tier::perSecond).tag("tier", t.name())
                    .description("Sustained requests per second a client of the tier may send").register(registry);
            Gauge.builder("perfgate.ratelimit.burst", t, Tier::burst).tag("tier", t.name())
                    .description("Requests a client of the tier may send at once").register(registry);
        }
        apiKeys.forEach((key, tier) -> byApiKey.put(key, this.tiers.get(tier)));
        this.anonymous = this.tiers.get(ANONYMOUS);
        this.keyBuckets = buckets();
        this.addressBuckets = buckets();
        Gauge.builder("perfgate.ratelimit.clients", this, RateLimiter::clients)
                .description("Clients with a bucket").register(registry);
    }

    /**
     * A client map bounded by size alone: the least used clients go first once {@value #MAX_CLIENTS} are known. An
     * idle expiry (the map forgot clients idle for ten minutes) reordered an access-order queue on every check and
     * made the check 5 to 9 times a raw bucket's (RateLimitBenchmark); a client forgotten either way starts again
     * with a full bucket, which is what an idle one would have by then.
     */
    private static Cache<String, Bucket> buckets() {
        return Caffeine.newBuilder().maximumSize(MAX_CLIENTS).build();
    }

    private long clients() {
        return keyBuckets.estimatedSize() + addressBuckets.estimatedSize();
    }

    /** Returns whether a path is never limited: health checks and metrics must keep answering under any load. */
    public static boolean exempt(String path) {
        return path.startsWith("/api/performance/") || path.equals("/metrics");
    }

    /**
     * Takes one token from the client's bucket.
     *
     * @param apiKey        the request's API key, or null
     * @param remoteAddress the peer's address, the client of a request without a key
     * @throws ApiException 401 when the key is not one the service knows
     */
    public Decision check(String apiKey, String remoteAddress) {
        TierState state;
        Bucket bucket;
        if (apiKey != null) {
            state = byApiKey.get(apiKey);
            if (state == null) {
                throw new ApiException(401, "unknown_api_key", "the " + API_KEY_HEADER
                        + " header does not name a known API key; send a valid key or none (anonymous limits apply)",
                        null);
            }
            bucket = keyBuckets.get(apiKey, state.newBucket);
        } else {
            state = anonymous;
            bucket = addressBuckets.get(remoteAddress, state.newBucket);
        }
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            state.allowed.increment();
            return new Decision(true, state.tier, probe.getRemainingTokens(), 0);
        }
        state.rejected.increment();
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
        return new Decision(false, state.tier, 0, seconds);
    }

    /** Returns the requests refused since start, over every tier. */
    public long rejected() {
        long total = 0;
        for (TierState t : tiers.values()) {
            total += t.rejected.sum();
        }
        return total;
    }

    /** Returns the limits and what they did since start: the metrics endpoint's {@code rateLimits} section. */
    public PerformanceFigures.RateLimits snapshot() {
        Map<String, PerformanceFigures.RateTier> byTier = new LinkedHashMap<>();
        for (TierState t : tiers.values()) {
            byTier.put(t.tier.name(), new PerformanceFigures.RateTier(t.tier.perSecond(), t.tier.burst(),
                    t.allowed.sum(), t.rejected.sum()));
        }
        return new PerformanceFigures.RateLimits(true, clients(), byTier);
    }

    /**
     * Parses tiers: {@code name=TOKENS/UNIT[:BURST]} separated by commas, UNIT s, m or h, BURST defaulting to TOKENS;
     * a tier named {@value #ANONYMOUS} is required.
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static List<Tier> parseTiers(String spec) {
        Map<String, Tier> tiers = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            Matcher m = TIER.matcher(part.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("\"" + part.strip() + "\" must look like name=TOKENS/UNIT[:BURST]"
                        + " with UNIT s, m or h (e.g. anonymous=50/s:100)");
            }
            long tokens = Long.parseLong(m.group(2));
            long burst = m.group(4) == null ? tokens : Long.parseLong(m.group(4));
            if (tokens < 1 || burst < 1 || tokens > 1_000_000 || burst > 1_000_000) {
                throw new IllegalArgumentException("\"" + part.strip() + "\": tokens and burst must be 1 to 1000000");
            }
            Duration period = switch (m.group(3)) {
                case "s" -> Duration.ofSeconds(1);
                case "m" -> Duration.ofMinutes(1);
                default -> Duration.ofHours(1);
            };
            if (tiers.put(m.group(1), new Tier(m.group(1), tokens, period, burst)) != null) {
                throw new IllegalArgumentException("tier " + m.group(1) + " is given twice");
            }
        }
        if (!tiers.containsKey(ANONYMOUS)) {
            throw new IllegalArgumentException("must define the tier " + ANONYMOUS + " (requests without an API key)");
        }
        return List.copyOf(tiers.values());
    }

    /**
     * Parses API keys: {@code key=tier} separated by commas, each key 16 to 128 letters, digits, - or _.
     *
     * @throws IllegalArgumentException naming the part that is wrong (a key itself is never echoed)
     */
    public static Map<String, String> parseKeys(String spec, Set<String> tierNames) {
        Map<String, String> keys = new LinkedHashMap<>();
        int n = 0;
        for (String part : spec.split(",")) {
            n++;
            String[] kv = part.strip().split("=", 2);
            if (kv.length != 2 || !KEY.matcher(kv[0]).matches()) {
                throw new IllegalArgumentException("entry " + n + " must be key=tier with a key of 16 to 128 letters,"
                        + " digits, - or _");
            }
            if (!tierNames.contains(kv[1])) {
                throw new IllegalArgumentException("entry " + n + " names tier \"" + kv[1]
                        + "\", which SUT_RATE_LIMITS does not define (" + String.join(", ", tierNames) + ")");
            }
            keys.put(kv[0], kv[1]);
        }
        return keys;
    }
}
