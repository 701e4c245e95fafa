package dev.perfgate.sut.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import dev.perfgate.sut.contract.ApiException;
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
 */
public final class TwoLevelCache implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TwoLevelCache.class.getName());
    /** L1 lifetime while Redis is unreachable. */
    static final Duration DEGRADED_L1_TTL = Duration.ofSeconds(1);
    private static final double REFRESH_AHEAD = 0.8;

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

    /** One L1 hit in this many (a power of two) is timed into the L1 latency histogram; the others are counted. */
    static final int L1_TIMING_SAMPLE = 64;

    private static final class Entry {
        final Object value;
        final boolean negative;
        final String[] tags;
        final long[] versions;
        final long loadedAt;
        final long l1TtlNanos;
        final int weight;
        final AtomicBoolean refreshing = new AtomicBoolean();
        /** The tag epoch at which this entry's tag versions were last found current (see {@link #valid}). */
        volatile long checkedAtEpoch = -1;

        Entry(Object value, boolean negative, String[] tags, long[] versions, long loadedAt, long l1TtlNanos,
              int weight) {
            this.value = value;
            this.negative = negative;
            this.tags = tags;
            this.versions = versions;
            this.loadedAt = loadedAt;
            this.l1TtlNanos = l1TtlNanos;
            this.weight = weight;
        }
    }

    private final class Region {
        final CacheName name;
        final CacheStrategy strategy;
        final AsyncCache<String, Entry> l1;
        final EnumMap<Level, LongAdder> served = new EnumMap<>(Level.class);
        final EnumMap<Level, Histogram> latency = new EnumMap<>(Level.class);
        final LongAdder l2Misses = new LongAdder();
        final LongAdder negativeHits = new LongAdder();
        final LongAdder refreshes = new LongAdder();
        final LongAdder evictions = new LongAdder();
        final LongAdder loadNanos = new LongAdder();

        /** served/latency of L1, held directly for the hit path (the same objects as in the maps). */
        final LongAdder l1Served;
        final Histogram l1Latency;
        /** Hits still to be timed each before sampling starts (a plain field: read on every hit, rarely written). */
        int untimedBudget = 100;

        Region(CacheName name, CacheStrategy strategy) {
            this.name = name;
            this.strategy = strategy;
            // Each entry's own lifetime (jittered; shorter for a 404, none for versions not known) is checked on
            // the hit path against the coarse clock (see live); Caffeine only drops entries past the longest
            // lifetime, a fixed expiry whose read path is far cheaper than a per-entry one (a timer wheel updated
            // on every read). Its ticker is the coarse clock too: no System.nanoTime on a hit.
            long longest = Math.max(strategy.l1Ttl().toNanos(), strategy.negativeTtl().toNanos());
            Caffeine<Object, Object> b = Caffeine.newBuilder().ticker(clock::coarseNanos)
                    .expireAfterWrite(longest, java.util.concurrent.TimeUnit.NANOSECONDS);
            Caffeine<String, Entry> typed = strategy.l1MaxBytes() > 0
                    ? b.maximumWeight(strategy.l1MaxBytes()).weigher((String k, Entry e) -> e.weight)
                    : b.maximumWeight(strategy.l1MaxEntries()).weigher((String k, Entry e) -> 1);
            this.l1 = typed
                    .removalListener((String k, Entry e, RemovalCause cause) -> {
                        if (cause.wasEvicted()) {
                            evictions.increment();
                        }
                    })
                    // maintenance and the listener (an increment) run on the calling thread: handing them to the
                    // common pool woke another thread for every eviction, on a two-core machine a context switch
                    // per L2 hit into a full L1
                    .executor(Runnable::run)
                    .buildAsync();
            for (Level level : Level.values()) {
                served.put(level, new LongAdder());
                latency.put(level, new ConcurrentHistogram(3));
            }
            l1Served = served.get(Level.L1);
            l1Latency = latency.get(Level.L1);
        }
    }

    private final Map<CacheName, Region> regions = new EnumMap<>(CacheName.class);
    private final Clock clock;
    private final Codec codec;
    private final RedisTier redis;
    private final Cache<String, Long> tagVersions;
    /**
     * Bumped after every change of a tag version this node knows (an invalidation, a message, a re-read): an entry
     * checked at the current epoch is current without looking at its tags, so a hit costs one volatile read here
     * until something is invalidated.
     */
    private final AtomicLong tagEpoch = new AtomicLong();
    private final Set<String> pending = new LinkedHashSet<>();
    private final AtomicLong lastSeq = new AtomicLong();
    private volatile long expectedSeq;
    private volatile boolean needsRecovery;
    private volatile boolean dropMessages;
    private final LongAdder invalidations = new LongAdder();
    private final LongAdder lostMessages = new LongAdder();
    private final Thread syncer;

    /**
     * @param redisUrl  empty for L1 only
     * @param namespace the database's identity: nodes share entries only when they share a database
     * @param syncMs   how often to look for missed invalidations
     */
    public TwoLevelCache(Map<String, CacheStrategy> strategies, java.util.Optional<String> redisUrl, String namespace,
                         Duration redisTimeout, int compressMinBytes, long syncMs, Clock clock, MeterRegistry registry) {
        this.clock = clock;
        this.codec = new Codec(compressMinBytes);
        this.tagVersions = Caffeine.newBuilder().maximumSize(1_000_000).build();
        for (CacheName name : CacheName.values()) {
            regions.put(name, new Region(name, strategies.get(name.strategy())));
        }
        this.redis = redisUrl.map(u -> new RedisTier(u, namespace, redisTimeout)).orElse(null);
        if (redis != null) {
            redis.breaker().getEventPublisher().onStateTransition(e -> {
                if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                    needsRecovery = true;
                    LOG.warning("Redis unavailable: cache runs on L1 (entries live at most "
                            + DEGRADED_L1_TTL.toMillis() + " ms) and the database");
                }
            });
            redis.subscribe(this::onMessage);
            try {
                lastSeq.set(redis.sequence());
            } catch (RedisTier.Unavailable e) {
                needsRecovery = true;
            }
            this.syncer = Thread.ofVirtual().name("perfgate-cache-sync").start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    try {
                        Thread.sleep(syncMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                    syncNow();
                }
            });
        } else {
            this.syncer = null;
        }
        register(registry);
    }

    /**
     * Returns the value for a key: from L1, L2 or the loader, and records in the request which level answered. A
     * loader's 404 ({@link ApiException}) is cached as a negative entry and thrown again on hits.
     */
    public Object get(RequestContext request, CacheName name, String key, List<String> tags, Loader loader)
            throws Exception {
        Region r = regions.get(name);
        // the hit path allocates nothing and reads no clock but the coarse one; one hit in 64 is timed, and every
        // one of a region's first hits, so that its latency is reported from the start
        boolean timed = r.untimedBudget > 0 || (ThreadLocalRandom.current().nextInt() & (L1_TIMING_SAMPLE - 1)) == 0;
        long hitStart = timed ? clock.nanos() : 0;
        CompletableFuture<Entry> hit = r.l1.getIfPresent(key);
        if (hit != null && hit.isDone() && !hit.isCompletedExceptionally()) {
            Entry e = hit.join();
            long age = clock.coarseNanos() - e.loadedAt;
            if (!e.negative && age < e.l1TtlNanos && valid(e)) {
                if (age >= REFRESH_AHEAD * e.l1TtlNanos && !e.refreshing.get()) {
                    maybeRefresh(r, key, withAll(tags), loader, e);
                }
                request.cacheOutcome("L1");
                r.l1Served.increment();
                if (timed) {
                    r.l1Latency.recordValue(Math.max(0, (clock.nanos() - hitStart) / 1000));
                    if (r.untimedBudget > 0) {
                        r.untimedBudget--; // a race may time a few more than the first hundred: harmless
                    }
                }
                return e.value;
            }
        }
        return getSlow(request, r, key, withAll(tags), loader);
    }

    /** Everything but a plain L1 hit: a load in flight, a stale or negative entry, L2, the loader. */
    private Object getSlow(RequestContext request, Region r, String key, String[] allTags, Loader loader)
            throws Exception {
        long start = clock.nanos();
        for (int attempt = 0; attempt < 8; attempt++) {
            CompletableFuture<Entry> cached = r.l1.getIfPresent(key);
            if (cached != null) {
                if (!cached.isDone()) {
                    Entry e = await(cached);
                    return served(request, r, Level.LOAD, start, e);
                }
                if (!cached.isCompletedExceptionally()) {
                    Entry e = cached.join();
                    if (live(r, e) && valid(e)) {
                        maybeRefresh(r, key, allTags, loader, e);
                        return served(request, r, Level.L1, start, e);
                    }
                    r.l1.asMap().remove(key, cached);
                }
                continue;
            }
            CompletableFuture<Entry> mine = new CompletableFuture<>();
            if (r.l1.asMap().putIfAbsent(key, mine) != null) {
                continue;
            }
            Level[] level = new Level[1];
            Entry e;
            try {
                e = loadThroughL2(request, r, key, allTags, loader, level);
                mine.complete(e);
            } catch (Throwable t) {
                r.l1.asMap().remove(key, mine);
                // passed on to the callers waiting for this load; as a cancellation, which Caffeine does not log
                // (any other failure it logs at WARNING with a stack trace: a line per request during an outage,
                // for failures the callers already answer and report)
                mine.completeExceptionally(new LoadFailed(t));
                throw t;
            }
            return served(request, r, level[0], start, e);
        }
        // the key kept changing under us: load without caching rather than spin
        Level[] level = new Level[1];
        return served(request, r, Level.LOAD, start, load(request, r, key, allTags, loader, level));
    }

    private Object served(RequestContext request, Region r, Level level, long start, Entry e) {
        request.cacheOutcome(level.name());
        r.served.get(level).increment();
        // the path that gets here has read the clock already: it is timed every time (only plain L1 hits sample)
        r.latency.get(level).recordValue(Math.max(0, (clock.nanos() - start) / 1000));
        if (e.negative) {
            r.negativeHits.increment();
            // the 404 as the loader threw it: a map when loaded here, a tree when it came from L2
            if (e.value instanceof com.fasterxml.jackson.databind.JsonNode n) {
                throw new ApiException(404, "not_found", n.path("message").asText(),
                        n.path("field").isTextual() ? n.path("field").asText() : null);
            }
            Map<?, ?> err = (Map<?, ?>) e.value;
            throw new ApiException(404, "not_found", String.valueOf(err.get("message")), (String) err.get("field"));
        }
        return e.value;
    }

    private static Entry await(CompletableFuture<Entry> f) throws Exception {
        try {
            return f.join();
        } catch (java.util.concurrent.CancellationException e) {
            // join() reports a cancellation as a new one whose cause is the original: find the failed load
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof LoadFailed failed) {
                    if (failed.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    if (failed.getCause() instanceof Error error) {
                        throw error;
                    }
                }
            }
            throw e;
        } catch (CompletionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** A load that failed, carried to the callers waiting for it (see {@link #get}); its cause is the failure. */
    private static final class LoadFailed extends java.util.concurrent.CancellationException {
        LoadFailed(Throwable cause) {
            super("load failed: " + cause);
            initCause(cause);
        }
    }

    /** Whether an entry is within its own L1 lifetime; one past it is counted as an eviction (Caffeine's would be). */
    private boolean live(Region r, Entry e) {
        if (clock.coarseNanos() - e.loadedAt < e.l1TtlNanos) {
            return true;
        }
        r.evictions.increment();
        return false;
    }

    private boolean valid(Entry e) {
        if (redis != null && needsRecovery && clock.nanos() - e.loadedAt > DEGRADED_L1_TTL.toNanos()) {
            return false;
        }
        // read before the versions: a change made while they are compared bumps the epoch past this stamp, so the
        // next hit compares again
        long epoch = tagEpoch.get();
        if (e.checkedAtEpoch == epoch) {
            return true;
        }
        if (!versionsCurrent(e.tags, e.versions)) {
            return false;
        }
        e.checkedAtEpoch = epoch;
        return true;
    }

    /** Whether the versions an entry was loaded under are the tags' current ones; allocates only for unknown tags. */
    private boolean versionsCurrent(String[] tags, long[] versions) {
        for (int i = 0; i < tags.length; i++) {
            Long v = tagVersions.getIfPresent(tags[i]);
            if (v == null) {
                return Arrays.equals(currentVersions(tags), versions);
            }
            if (v != versions[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The tags' current versions: known locally, else read from Redis in one round trip (0 without Redis); -1 for
     * a tag whose version cannot be known now (Redis unreachable), which no entry matches.
     */
    private long[] currentVersions(String[] tags) {
        long[] out = new long[tags.length];
        List<Integer> unknown = null;
        for (int i = 0; i < tags.length; i++) {
            Long v = tagVersions.getIfPresent(tags[i]);
            if (v != null) {
                out[i] = v;
            } else {
                if (unknown == null) {
                    unknown = new ArrayList<>(tags.length);
                }
                unknown.add(i);
            }
        }
        if (unknown == null) {
            return out;
        }
        long[] fetched = new long[unknown.size()];
        if (redis != null && !needsRecovery) {
            try {
                fetched = redis.tagVersions(unknown.stream().map(i -> tags[i]).toArray(String[]::new));
            } catch (RedisTier.Unavailable e) {
                for (int k = 0; k < unknown.size(); k++) {
                    out[unknown.get(k)] = -1;
                }
                return out;
            }
        }
        for (int k = 0; k < unknown.size(); k++) {
            Long raced = tagVersions.asMap().putIfAbsent(tags[unknown.get(k)], fetched[k]);
            out[unknown.get(k)] = raced != null ? raced : fetched[k];
        }
        return out;
    }

    private void maybeRefresh(Region r, String key, String[] tags, Loader loader, Entry e) {
        long age = clock.coarseNanos() - e.loadedAt;
        if (e.negative || age < REFRESH_AHEAD * e.l1TtlNanos || !e.refreshing.compareAndSet(false, true)) {
            return;
        }
        r.refreshes.increment();
        Thread.ofVirtual().name("perfgate-cache-refresh").start(() -> {
            try {
                Entry fresh = load(RequestContext.background("cache refresh"), r, key, tags, loader, new Level[1]);
                r.l1.put(key, CompletableFuture.completedFuture(fresh));
            } catch (Exception failure) {
                e.refreshing.set(false); // the old value stays until it expires; the next read tries again
            }
        });
    }

    private Entry loadThroughL2(RequestContext request, Region r, String key, String[] tags, Loader loader,
                                Level[] level) throws Exception {
        if (l2Usable()) {
            try {
                byte[] bytes = redis.get(r.name.id(), key);
                Codec.Stored s = bytes == null ? null : codec.decode(bytes);
                if (s != null && s.expiresAtMillis() > clock.millis() && Arrays.equals(s.tags(), tags)
                        && versionsCurrent(s.tags(), s.versions())) {
                    level[0] = Level.L2;
                    long l1 = Math.min(jittered(s.negative() ? r.strategy.negativeTtl() : r.strategy.l1Ttl(),
                            r.strategy.jitter()), (s.expiresAtMillis() - clock.millis()) * 1_000_000);
                    return new Entry(s.value(), s.negative(), s.tags(), s.versions(), clock.nanos(), l1, bytes.length);
                }
            } catch (RedisTier.Unavailable ignored) {
                // the database answers instead
            }
            r.l2Misses.increment();
        }
        return load(request, r, key, tags, loader, level);
    }

    /** Loads from the source and writes L2; the tag versions are read before the load. */
    private Entry load(RequestContext request, Region r, String key, String[] tags, Loader loader, Level[] level)
            throws Exception {
        long[] versions = currentVersions(tags);
        long start = System.nanoTime();
        Object value;
        boolean negative = false;
        try {
            value = loader.load(request);
        } catch (ApiException e) {
            if (e.status() != 404) {
                throw e;
            }
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("message", e.getMessage());
            err.put("field", e.field());
            value = err;
            negative = true;
        } finally {
            r.loadNanos.add(System.nanoTime() - start);
        }
        level[0] = Level.LOAD;
        Duration l2Ttl = negative ? r.strategy.negativeTtl() : r.strategy.l2Ttl();
        Codec.Stored stored = new Codec.Stored(value, negative, clock.millis() + jittered(l2Ttl, r.strategy.jitter())
                / 1_000_000, tags, versions);
        byte[] bytes = codec.encode(stored);
        boolean known = Arrays.stream(versions).allMatch(v -> v >= 0);
        if (known && l2Usable()) {
            redis.setAsync(r.name.id(), key, bytes, l2Ttl.toMillis());
        }
        long l1 = jittered(negative ? r.strategy.negativeTtl() : r.strategy.l1Ttl(), r.strategy.jitter());
        return new Entry(value, negative, tags, versions, clock.nanos(), known ? l1 : 0, bytes.length);
    }

    private static long jittered(Duration ttl, double jitter) {
        return (long) (ttl.toNanos() * (1 - jitter * ThreadLocalRandom.current().nextDouble()));
    }

    private static String[] withAll(List<String> tags) {
        String[] out = tags.toArray(new String[tags.size() + 1]);
        out[tags.size()] = CacheTags.ALL;
        return out;
    }

    /** Whether L2 may be used now; after an outage, first replays the invalidations made during it. */
    private boolean l2Usable() {
        if (redis == null) {
            return false;
        }
        if (!needsRecovery) {
            return redis.breaker().getState() != CircuitBreaker.State.OPEN;
        }
        return recover();
    }

    private synchronized boolean recover() {
        if (!needsRecovery) {
            return true;
        }
        try {
            if (!pending.isEmpty()) {
                redis.invalidate(pending.toArray(String[]::new));
                pending.clear();
            }
            long seq = redis.sequence();
            tagVersions.invalidateAll();
            tagEpoch.incrementAndGet();
            lastSeq.set(seq);
            expectedSeq = seq;
            needsRecovery = false;
            LOG.info("Redis reachable again: pending invalidations replayed, tag versions re-read");
            return true;
        } catch (RedisTier.Unavailable e) {
            return false;
        }
    }

    /** Invalidates every entry carrying any of the tags, in both levels and on every node. */
    public void invalidate(String... tags) {
        if (tags.length == 0) {
            return;
        }
        invalidations.add(tags.length);
        if (l2Usable()) {
            try {
                long[] result = redis.invalidate(tags);
                for (int i = 0; i < tags.length; i++) {
                    long v = result[i + 1];
                    tagVersions.asMap().merge(tags[i], v, Math::max);
                }
                tagEpoch.incrementAndGet();
                return;
            } catch (RedisTier.Unavailable e) {
                needsRecovery = true;
            }
        }
        synchronized (this) {
            for (String tag : tags) {
                // a local bump makes this node's entries stale now; Redis gets the real increment on recovery
                tagVersions.asMap().merge(tag, 1L, (a, b) -> a + 1);
                if (redis != null) {
                    pending.add(tag);
                }
            }
            tagEpoch.incrementAndGet();
        }
    }

    /** Clears everything (all nodes) in O(1). */
    public void clear() {
        invalidate(CacheTags.ALL);
    }

    private void onMessage(String message) {
        if (dropMessages) {
            return;
        }
        String[] parts = message.split(" ");
        long seq;
        try {
            seq = Long.parseLong(parts[0]);
            for (int i = 1; i + 1 < parts.length; i += 2) {
                long v = Long.parseLong(parts[i + 1]);
                tagVersions.asMap().computeIfPresent(parts[i], (k, old) -> Math.max(old, v));
            }
            tagEpoch.incrementAndGet();
        } catch (NumberFormatException e) {
            LOG.warning("ignoring malformed invalidation message: " + message);
            return;
        }
        long last = lastSeq.get();
        if (seq == last + 1) {
            lastSeq.compareAndSet(last, seq);
        } else if (seq > last + 1) {
            forgetVersions("gap in invalidation messages (" + last + " then " + seq + ")");
            lastSeq.accumulateAndGet(seq, Math::max);
        }
    }

    /**
     * Looks for invalidations that never arrived: the sequence Redis had at the previous check should have arrived
     * by now; if not, the tag versions are re-read. Runs every {@code SUT_CACHE_SYNC_MS}; tests call it directly.
     */
    public void syncNow() {
        if (redis == null || !l2Usable()) {
            return;
        }
        try {
            long current = redis.sequence();
            long expected = expectedSeq;
            if (expected > lastSeq.get()) {
                forgetVersions("invalidations up to " + expected + " did not arrive (have " + lastSeq.get() + ")");
                lastSeq.accumulateAndGet(expected, Math::max);
            }
            expectedSeq = current;
        } catch (RedisTier.Unavailable e) {
            // the breaker has it; recovery resynchronizes
        }
    }

    private void forgetVersions(String why) {
        lostMessages.increment();
        LOG.warning("cache: " + why + "; re-reading tag versions from Redis");
        tagVersions.invalidateAll();
        tagEpoch.incrementAndGet();
    }

    /**
     * Waits until this node's L2 writes (which a miss does not wait for) have reached Redis: tests that read on
     * another node right after a load call it.
     */
    public void awaitL2Writes() throws InterruptedException {
        if (redis != null && !redis.awaitWrites(Duration.ofSeconds(5))) {
            throw new IllegalStateException("L2 writes still in flight after 5 s");
        }
    }

    /** Test hook: ignore invalidation messages, as if the network lost them. */
    void dropInvalidationMessages(boolean drop) {
        this.dropMessages = drop;
    }

    /** Returns the Redis circuit breaker's state (CLOSED, OPEN, HALF_OPEN), or NONE without Redis. */
    public String breakerState() {
        return redis == null ? "NONE" : redis.breaker().getState().name();
    }

    /** Returns lookups and hits (L1 + L2) over every cache since start or the last reset: the live summary's. */
    public long[] lookupsAndHits() {
        long lookups = 0;
        long hits = 0;
        for (Region r : regions.values()) {
            long served = r.served.get(Level.L1).sum() + r.served.get(Level.L2).sum();
            hits += served;
            lookups += served + r.served.get(Level.LOAD).sum();
        }
        return new long[] {lookups, hits};
    }

    /** Returns the statistics per cache and level, for {@code /api/performance/metrics}. */
    public Map<String, Object> snapshot() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("redis", redis == null ? "none" : redis.url());
        body.put("breaker", breakerState());
        body.put("degraded", redis != null && needsRecovery);
        body.put("invalidations", invalidations.sum());
        body.put("lostMessagesDetected", lostMessages.sum());
        body.put("l2Errors", redis == null ? 0 : redis.errors());
        Map<String, Object> caches = new LinkedHashMap<>();
        for (Region r : regions.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            long l1 = r.served.get(Level.L1).sum();
            long l2 = r.served.get(Level.L2).sum();
            long loads = r.served.get(Level.LOAD).sum();
            long total = l1 + l2 + loads;
            m.put("strategy", r.strategy.name());
            m.put("requests", total);
            m.put("l1Hits", l1);
            m.put("l2Hits", l2);
            m.put("l2Misses", r.l2Misses.sum());
            m.put("loads", loads);
            m.put("hitRatio", total == 0 ? 0 : Math.round(10_000.0 * (l1 + l2) / total) / 10_000.0);
            m.put("negativeHits", r.negativeHits.sum());
            m.put("refreshes", r.refreshes.sum());
            m.put("evictions", r.evictions.sum());
            m.put("l1Entries", r.l1.synchronous().estimatedSize());
            m.put("loadTimeMs", r.loadNanos.sum() / 1e6);
            Map<String, Object> lat = new LinkedHashMap<>();
            for (Level level : List.of(Level.L1, Level.L2, Level.LOAD)) {
                Histogram h = r.latency.get(level).copy();
                if (h.getTotalCount() > 0) {
                    lat.put(level.name().toLowerCase(java.util.Locale.ROOT), Map.of("count", h.getTotalCount(),
                            "p50Us", h.getValueAtPercentile(50), "p95Us", h.getValueAtPercentile(95),
                            "p99Us", h.getValueAtPercentile(99), "maxUs", h.getMaxValue()));
                }
            }
            m.put("latency", lat);
            caches.put(r.name.id(), m);
        }
        body.put("caches", caches);
        return body;
    }

    /** Clears the statistics (between harness runs); cached values stay. */
    public void resetStats() {
        for (Region r : regions.values()) {
            r.served.values().forEach(LongAdder::reset);
            r.latency.values().forEach(Histogram::reset);
            r.untimedBudget = 100;
            r.l2Misses.reset();
            r.negativeHits.reset();
            r.refreshes.reset();
            r.loadNanos.reset();
        }
    }

    private void register(MeterRegistry registry) {
        for (Region r : regions.values()) {
            for (Level level : List.of(Level.L1, Level.L2, Level.LOAD)) {
                FunctionCounter.builder("perfgate.cache.served", r.served.get(level), LongAdder::sum)
                        .description("Cache reads by the level that answered (load: the database)")
                        .tags("cache", r.name.id(), "level", level.name().toLowerCase(java.util.Locale.ROOT))
                        .register(registry);
            }
            FunctionCounter.builder("perfgate.cache.evictions", r.evictions, LongAdder::sum)
                    .tags("cache", r.name.id()).register(registry);
            FunctionCounter.builder("perfgate.cache.load.seconds", r.loadNanos, a -> a.sum() / 1e9)
                    .tags("cache", r.name.id()).register(registry);
            Gauge.builder("perfgate.cache.l1.entries", r.l1, c -> c.synchronous().estimatedSize())
                    .tags("cache", r.name.id()).register(registry);
        }
        FunctionCounter.builder("perfgate.cache.invalidations", invalidations, LongAdder::sum).register(registry);
        FunctionCounter.builder("perfgate.cache.lost.messages", lostMessages, LongAdder::sum).register(registry);
        if (redis != null) {
            FunctionCounter.builder("perfgate.cache.l2.errors", redis, RedisTier::errors).register(registry);
            Gauge.builder("perfgate.cache.breaker.state", redis, t -> switch (t.breaker().getState()) {
                case CLOSED -> 0;
                case HALF_OPEN -> 1;
                default -> 2;
            }).description("Redis circuit breaker: 0 closed, 1 half-open, 2 open").register(registry);
        }
    }

    @Override
    public void close() {
        if (syncer != null) {
            syncer.interrupt();
        }
        if (redis != null) {
            redis.close();
        }
    }
}
