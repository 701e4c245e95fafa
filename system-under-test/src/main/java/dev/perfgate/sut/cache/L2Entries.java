package dev.perfgate.sut.cache;

import java.time.Duration;
import java.util.Arrays;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The L2 tier as a read sees it: the entries Redis holds, encoded by the {@link Codec}. An entry found there is served
 * only when it has not expired, carries the tags the read asked for and was stored under the tags' current versions;
 * a loaded value is stored only when the versions it was loaded under were known (a version that could not be read
 * during a Redis outage is not, and an entry stored under it could outlive an invalidation this node never saw).
 * Neither happens while L2 is not usable ({@link TagVersions#l2Usable}: no Redis, the breaker open, or
 * invalidations made during an outage not yet replayed).
 */
final class L2Entries implements AutoCloseable {
    /** Null when the cache runs on L1 only. */
    private final RedisTier redis;
    private final Codec codec;
    private final TagVersions tagVersions;
    private final TwoLevelCache.Clock clock;

    L2Entries(RedisTier redis, Codec codec, TagVersions tagVersions, TwoLevelCache.Clock clock) {
        this.redis = redis;
        this.codec = codec;
        this.tagVersions = tagVersions;
        this.clock = clock;
    }

    /**
     * Returns what L2 holds for the key as a new L1 entry (its L1 lifetime jittered, and never past its L2 expiry),
     * or null: nothing there, expired, other tags, stale versions, or Redis not usable. A miss while L2 is usable is
     * counted in the region's statistics.
     */
    CacheEntry read(L1Region r, String key, String[] tags) {
        if (!tagVersions.l2Usable()) {
            return null;
        }
        try {
            byte[] bytes = redis.get(r.name.id(), key);
            Codec.Stored s = bytes == null ? null : codec.decode(bytes);
            long now = clock.millis();
            if (s != null && s.expiresAtMillis() > now && Arrays.equals(s.tags(), tags)
                    && tagVersions.current(s.tags(), s.versions())) {
                long l1 = Math.min(r.strategy.jitteredNanos(r.strategy.l1Lifetime(s.negative())),
                        (s.expiresAtMillis() - now) * 1_000_000);
                return new CacheEntry(s.value(), s.negative(), s.tags(), s.versions(), clock.nanos(), l1, bytes.length);
            }
        } catch (RedisTier.Unavailable ignored) {
            // the database answers instead
        }
        r.l2Misses.increment();
        return null;
    }

    /**
     * Makes the L1 entry of a value just loaded under the given tag versions, and writes it to L2 without waiting
     * when those versions were known. An entry loaded under an unknown version gets no L1 lifetime either: it
     * answers the request that loaded it and no other.
     */
    CacheEntry store(L1Region r, String key, Object value, boolean negative, String[] tags, long[] versions) {
        Duration l2Ttl = r.strategy.l2Lifetime(negative);
        byte[] bytes = codec.encode(new Codec.Stored(value, negative,
                clock.millis() + r.strategy.jitteredNanos(l2Ttl) / 1_000_000, tags, versions));
        boolean known = Arrays.stream(versions).allMatch(v -> v >= 0);
        if (known && tagVersions.l2Usable()) {
            redis.setAsync(r.name.id(), key, bytes, l2Ttl.toMillis());
        }
        long l1 = r.strategy.jitteredNanos(r.strategy.l1Lifetime(negative));
        return new CacheEntry(value, negative, tags, versions, clock.nanos(), known ? l1 : 0, bytes.length);
    }

    /**
     * Waits until the writes {@link #store} started have reached Redis; false if some are still in flight. Closing
     * does it too; the cache's tests call it before reading on another node.
     */
    boolean awaitWrites(Duration timeout) throws InterruptedException {
        return redis == null || redis.awaitWrites(timeout);
    }

    /** Returns Redis's URL, or {@code none} without Redis. */
    String url() {
        return redis == null ? "none" : redis.url();
    }

    /** Returns the Redis circuit breaker's state (CLOSED, OPEN, HALF_OPEN), or NONE without Redis. */
    String breakerState() {
        return redis == null ? "NONE" : redis.breaker().getState().name();
    }

    /** Returns the Redis calls that failed (errors, timeouts, calls the open breaker refused). */
    long errors() {
        return redis == null ? 0L : redis.errors();
    }

    /** Publishes L2's errors and its breaker's state to Prometheus. */
    void register(MeterRegistry registry) {
        if (redis == null) {
            return;
        }
        FunctionCounter.builder("perfgate.cache.l2.errors", redis, RedisTier::errors).register(registry);
        Gauge.builder("perfgate.cache.breaker.state", redis, t -> switch (t.breaker().getState()) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            default -> 2;
        }).description("Redis circuit breaker: 0 closed, 1 half-open, 2 open").register(registry);
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
    }
}
