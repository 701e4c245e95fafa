package dev.perfgate.sut.cache;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;

import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.contract.PerformanceFigures;
import dev.perfgate.sut.request.RequestContext;

/**
 * A read-through two-level cache: Caffeine in the process (L1), Redis through Lettuce (L2), the database behind.
 *
 * <p><b>Reads.</b> L1, then L2, then the loader, filling the levels on the way back. Concurrent misses of one key on
 * one node share a single load: the first caller loads on its own thread (so its statements stay attributed to its
 * request) and the others wait for its result. An L1 entry read in the last fifth of its lifetime is reloaded in
 * the background while the old value is served (refresh-ahead). A loader's 404 is remembered for the strategy's
 * short negative TTL.
 *
 * <p><b>Tags.</b> Every entry carries tags and the version each tag had when the value was loaded (read before the
 * load, so a write during the load makes the entry stale, never the other way round). Invalidating a tag increments
 * its version — one Redis script call, whatever the number of entries — and an entry whose recorded version is not
 * the current one is a miss, in either level. {@link CacheTags#ALL} is on every entry, so clearing is O(1) too.
 *
 * <p><b>Coherence.</b> The invalidation script publishes "sequence tag version ..." on a channel every node
 * subscribes to; each node applies versions as they arrive. Sequence numbers expose a lost message: a gap in what
 * arrives, or a sequence in Redis that stays ahead of what arrived for a whole sync interval, makes the node forget
 * its tag versions and re-read them from Redis, so a lost message leaves an entry stale at most twice
 * {@code SUT_CACHE_SYNC_MS} (plus a Redis round trip).
 *
 * <p><b>Redis down.</b> Every L2 call goes through a circuit breaker. While it is open the cache runs on L1 and the
 * database, and L1 entries older than {@link #DEGRADED_L1_TTL} are treated as expired, which bounds what another
 * node's writes (whose invalidations cannot arrive) can leave stale. Invalidations made meanwhile are kept and
 * replayed before L2 is read again; then the node re-reads tag versions and the sequence, so nothing that was
 * invalidated during the outage is served from L2 afterwards.
 *
 * <p><b>Parts.</b> This class orchestrates a read (hit, in-flight load, L2, loader, refresh-ahead: one protocol whose
 * correctness is an ordering argument — what goes into L1 before a waiter is released, which tag versions are read
 * before a load — kept in one file to be read top to bottom). The L1 tier with its statistics is an
 * {@link L1Region} per named cache; the L2 tier is {@link L2Entries} (what is stored, when it may be served) over
 * {@link RedisTier} (the Redis client and its circuit breaker); the invalidation bus and what this node knows of tag
 * versions is {@link TagVersions}; an L1 value is a {@link CacheEntry}.
 */
public final class TwoLevelCache implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TwoLevelCache.class.getName());
    /** L1 lifetime while Redis is unreachable. */
    static final Duration DEGRADED_L1_TTL = Duration.ofSeconds(1);

    /** Where a value came from. */
    public enum Level { L1, L2, LOAD, BYPASS }

    /**
     * Loads a value from the source of truth, for the request that missed (or for a background refresh ahead of
     * expiry, with a context of its own): its statements are that work's.
     */
    @FunctionalInterface
    public interface Loader {
        Object load(RequestContext request) throws Exception;
    }

    /** Time, replaceable in tests: monotonic nanos for L1 ages, wall millis for L2 expiry. */
    public interface Clock {
        long nanos();

        long millis();

        /**
         * {@link #nanos()} to within a millisecond or so, for the L1 hit path (its expiry and refresh-ahead checks):
         * a clock read costs more than the rest of a hit. A test clock answers its exact time.
         */
        default long coarseNanos() {
            return nanos();
        }

        Clock SYSTEM = new Clock() {
            @Override
            public long nanos() {
                return System.nanoTime();
            }

            @Override
            public long millis() {
                return System.currentTimeMillis();
            }

            @Override
            public long coarseNanos() {
                return CoarseClock.nanos();
            }
        };
    }

    /** By {@link CacheName#ordinal()}: the hit path's lookup is one array load (an EnumMap's checks the key's class). */
    private final L1Region[] regions = new L1Region[CacheName.values().length];
    private final Clock clock;
    // package-private for the cache's tests, which drive what the background threads otherwise do on their own
    // schedule: the look for missed invalidations (tagVersions.syncNow) and the L2 writes a miss does not wait for
    final TagVersions tagVersions;
    final L2Entries l2;
    /**
     * @param settings  the strategies, the Redis timeout, the compression threshold and how often to look for missed
     *                  invalidations
     * @param redisUrl  empty for L1 only
     * @param namespace the database's identity: nodes share entries only when they share a database
     */
    public TwoLevelCache(CacheSettings settings, java.util.Optional<String> redisUrl, String namespace, Clock clock,
                         MeterRegistry registry) {
        this.clock = clock;
        for (CacheName name : CacheName.values()) {
            regions[name.ordinal()] = new L1Region(name, settings.strategies().get(name.strategy()));
        }
        RedisTier redis = redisUrl.map(u -> new RedisTier(u, namespace, Duration.ofMillis(settings.redisTimeoutMs())))
                .orElse(null);
        this.tagVersions = new TagVersions(redis, clock, settings.syncMs());
        this.l2 = new L2Entries(redis, new Codec(settings.compressMinBytes()), tagVersions, clock);
        register(registry);
    }

    /**
     * Returns the value for a key: from L1, L2 or the loader, and records in the request which level answered. A
     * loader's 404 ({@link ApiException}) is cached as a negative entry and thrown again on hits.
     */
    public Object get(RequestContext request, CacheName name, String key, List<String> tags, Loader loader)
            throws Exception {
        L1Region r = regions[name.ordinal()];
        // the hit path allocates nothing, reads no clock but the coarse one, and holds only Caffeine's lookup and a
        // few loads: everything else, the timed hits included, is getSlow's, so none of it is compiled into the hit
        // (with the timing inline, C2 compiled it into the hit too, HdrHistogram's record and all)
        CacheEntry e = r.l1.getIfPresent(key);
        if (e != null) {
            long now = clock.coarseNanos();
            // one comparison for a fresh entry: a negative one, one past its lifetime or due for its refresh ahead
            // fails it. The hit is timed (on the slow path) when its region's first hits are, and then for the
            // first hit in each tick of the coarse clock (about a millisecond): a timed hit reads the precise clock
            // twice, which costs more than the hit itself, so timing costs at most a thousand of them a second.
            // Then one comparison of the entry's stamp with the tags' epoch (see TagVersions#stampedCurrent)
            if (now - e.freshUntil < 0 && now == r.lastTimedTick && tagVersions.stampedCurrent(e)) {
                request.cacheOutcome("L1");
                request.count(r.l1Hits); // a plain add: the request files its hits when it answers
                return e.value;
            }
        }
        return getSlow(request, r, key, tags, loader);
    }

    /**
     * Everything but a plain L1 hit: a timed hit, an entry whose tags were invalidated since it was last checked, a
     * load in flight, a stale or negative entry, L2, the loader.
     */
    private Object getSlow(RequestContext request, L1Region r, String key, List<String> tags, Loader loader)
            throws Exception {
        long start = clock.nanos();
        for (int attempt = 0; attempt < 8; attempt++) {
            CacheEntry cached = r.l1.getIfPresent(key);
            if (cached != null) {
                if (current(r, cached)) {
                    maybeRefresh(r, key, tags, loader, cached);
                    return served(request, r, Level.L1, start, cached);
                }
                r.l1.asMap().remove(key, cached);
            }
            CompletableFuture<CacheEntry> inFlight = r.loading.get(key);
            if (inFlight != null) {
                CacheEntry loaded = await(inFlight);
                if (tagVersions.valid(loaded)) {
                    return served(request, r, Level.LOAD, start, loaded);
                }
                // loaded under tag versions an invalidation has since replaced (the load began before it, or
                // finished before this read began): a read that starts after an invalidation never sees such a value
                r.loading.remove(key, inFlight);
                continue;
            }
            CompletableFuture<CacheEntry> mine = new CompletableFuture<>();
            if (r.loading.putIfAbsent(key, mine) != null) {
                continue;
            }
            Level level;
            CacheEntry e;
            try {
                CacheEntry landed = r.l1.getIfPresent(key);
                if (landed != null && current(r, landed)) {
                    // a load finished between the lookup above and taking the key: serve what it left
                    mine.complete(landed);
                    return served(request, r, Level.L1, start, landed);
                }
                String[] allTags = withAll(tags); // made here, not on entry: a timed hit allocates nothing
                e = l2.read(r, key, allTags);
                level = Level.L2;
                if (e == null) {
                    e = load(request, r, key, allTags, loader);
                    level = Level.LOAD;
                }
                // in L1 before the waiters are released and the key freed: a reader that finds no load in
                // flight finds the entry
                r.l1.put(key, e);
                mine.complete(e);
            } catch (Throwable t) {
                mine.completeExceptionally(t); // the callers waiting for this load fail with it too
                throw t;
            } finally {
                r.loading.remove(key, mine);
            }
            return served(request, r, level, start, e);
        }
        // the key kept changing under us: load without caching rather than spin
        return served(request, r, Level.LOAD, start, load(request, r, key, withAll(tags), loader));
    }

    private Object served(RequestContext request, L1Region r, Level level, long start, CacheEntry e) {
        request.cacheOutcome(level.name());
        if (level == Level.L1) {
            // counted in the request, as the hit path counts: every L1 hit reaches the figures when its request files
            request.count(r.l1Hits);
            // the first hits are timed each; the last of them, and then each tick's timed hit, lets the hit path
            // serve the rest of its tick untimed. Two threads in one tick may both time a hit, and a race may time
            // a few more than the first hundred: harmless
            if (r.untimedBudget <= 0 || --r.untimedBudget == 0) {
                r.lastTimedTick = clock.coarseNanos();
            }
        } else {
            r.served.get(level).increment();
        }
        // the path that gets here has read the clock already: it is timed every time (only plain L1 hits sample)
        r.latency.get(level).recordValue(Math.max(0, (clock.nanos() - start) / 1000));
        if (e.negative) {
            r.negativeHits.increment();
            // the 404 as the loader threw it: the record when loaded here, its JSON tree when it came from L2
            CacheEntry.NotFound notFound = e.value instanceof CacheEntry.NotFound n ? n
                    : CacheEntry.NotFound.of((com.fasterxml.jackson.databind.JsonNode) e.value);
            throw new ApiException(404, "not_found", notFound.message(), notFound.field());
        }
        return e.value;
    }

    /** Waits for another caller's load and returns its entry, or throws what the load threw. */
    private static CacheEntry await(CompletableFuture<CacheEntry> f) throws Exception {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Whether an L1 entry may be served: within its own lifetime and loaded under the tags' current versions. */
    private boolean current(L1Region r, CacheEntry e) {
        return live(r, e) && tagVersions.valid(e);
    }

    /** Whether an entry is within its own L1 lifetime; one past it is counted as an eviction (Caffeine's would be). */
    private boolean live(L1Region r, CacheEntry e) {
        if (clock.coarseNanos() - e.loadedAt < e.l1TtlNanos) {
            return true;
        }
        r.evictions.increment();
        return false;
    }

    private void maybeRefresh(L1Region r, String key, List<String> tags, Loader loader, CacheEntry e) {
        // a 404 is never fresh, so the time check alone would refresh it: it is excluded by name, and only expires
        if (e.negative || clock.coarseNanos() - e.freshUntil < 0
                || !e.refreshing.compareAndSet(false, true)) {
            return;
        }
        r.refreshes.increment();
        String[] allTags = withAll(tags);
        Thread.ofVirtual().name("perfgate-cache-refresh").start(() -> {
            RequestContext refresh = RequestContext.background("cache refresh");
            try {
                r.l1.put(key, load(refresh, r, key, allTags, loader));
            } catch (Exception failure) {
                e.refreshing.set(false); // the old value stays until it expires; the next read tries again
            } finally {
                refresh.fileCounts(); // a loader may read through other caches
            }
        });
    }

    /** Loads from the source and writes L2; the tag versions are read before the load. */
    private CacheEntry load(RequestContext request, L1Region r, String key, String[] tags, Loader loader)
            throws Exception {
        long[] versions = tagVersions.of(tags);
        long start = System.nanoTime();
        Object value;
        boolean negative = false;
        try {
            value = loader.load(request);
        } catch (ApiException e) {
            if (e.status() != 404) {
                throw e;
            }
            value = new CacheEntry.NotFound(e.getMessage(), e.field());
            negative = true;
        } finally {
            r.loadNanos.add(System.nanoTime() - start);
        }
        return l2.store(r, key, value, negative, tags, versions);
    }

    private static String[] withAll(List<String> tags) {
        String[] out = tags.toArray(new String[tags.size() + 1]);
        out[tags.size()] = CacheTags.ALL;
        return out;
    }

    /** Invalidates every entry carrying any of the tags, in both levels and on every node. */
    public void invalidate(String... tags) {
        tagVersions.invalidate(tags);
    }

    /** Clears everything (all nodes) in O(1). */
    public void clear() {
        invalidate(CacheTags.ALL);
    }

    /** Returns the Redis circuit breaker's state (CLOSED, OPEN, HALF_OPEN), or NONE without Redis. */
    public String breakerState() {
        return l2.breakerState();
    }

    /** Returns lookups and hits (L1 + L2) over every cache since start or the last reset: the live summary's. */
    public long[] lookupsAndHits() {
        long lookups = 0;
        long hits = 0;
        for (L1Region r : regions) {
            long served = r.hits();
            hits += served;
            lookups += served + r.loads();
        }
        return new long[] {lookups, hits};
    }

    /** Returns the statistics per cache and level, for {@code /api/performance/metrics}. */
    public PerformanceFigures.Cache snapshot() {
        Map<String, PerformanceFigures.CacheRegion> caches = new LinkedHashMap<>();
        for (L1Region r : regions) {
            caches.put(r.name.id(), r.snapshot());
        }
        return new PerformanceFigures.Cache(true, l2.url(), breakerState(), tagVersions.degraded(),
                tagVersions.invalidations(), tagVersions.lostMessages(), tagVersions.messagesApplied(), l2.errors(),
                caches);
    }

    /** Clears the statistics (between harness runs); cached values stay. */
    public void resetStats() {
        for (L1Region r : regions) {
            r.resetStats();
        }
    }

    private void register(MeterRegistry registry) {
        for (L1Region r : regions) {
            r.register(registry);
        }
        tagVersions.register(registry);
        l2.register(registry);
    }

    @Override
    public void close() {
        tagVersions.close();
        l2.close();
    }
}
