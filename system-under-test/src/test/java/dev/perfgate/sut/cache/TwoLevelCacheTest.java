package dev.perfgate.sut.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.perfgate.embedded.EmbeddedRedis;
import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.contract.Json;
import dev.perfgate.sut.contract.PerformanceFigures;
import dev.perfgate.sut.request.RequestContext;

/**
 * The cache on a real Redis (embedded, started here): levels, single flight, tags across levels and nodes, lost
 * messages, expiry on a controllable clock, negative entries, compression, and Redis going away and coming back.
 * Two {@link TwoLevelCache} instances on one Redis are two nodes.
 */
class TwoLevelCacheTest {
    /** One namespace for the nodes of this run. */
    private static final String NAMESPACE = "test" + ProcessHandle.current().pid();
    private static EmbeddedRedis redis;
    private final List<TwoLevelCache> caches = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = EmbeddedRedis.startFresh();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @AfterEach
    void closeCaches() {
        caches.forEach(TwoLevelCache::close);
    }

    /** Waits until a node's L2 writes (which a miss does not wait for) have reached Redis, before another reads. */
    private static void awaitL2Writes(TwoLevelCache node) throws InterruptedException {
        assertThat(node.l2.awaitWrites(Duration.ofSeconds(5))).as("L2 writes answered within 5 s").isTrue();
    }

    /** A clock tests move by hand. */
    static final class FakeClock implements TwoLevelCache.Clock {
        final AtomicLong nanos = new AtomicLong(1_000_000_000L);
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
            millis.addAndGet(d.toMillis());
        }

        @Override
        public long nanos() {
            return nanos.get();
        }

        @Override
        public long millis() {
            return millis.get();
        }
    }

    /** The default strategies, a 100 ms Redis timeout, compression from 1 KiB, and the given sync interval. */
    private static CacheSettings settings(int syncMs) {
        return new CacheSettings(true, CacheStrategy.parse(CacheStrategy.DEFAULTS), 1024, 100, syncMs, false);
    }

    private TwoLevelCache node(TwoLevelCache.Clock clock) {
        TwoLevelCache cache = new TwoLevelCache(settings(60_000), Optional.of(redis.url()), NAMESPACE, clock,
                new SimpleMeterRegistry());
        caches.add(cache);
        return cache;
    }

    private TwoLevelCache node() {
        return node(TwoLevelCache.Clock.SYSTEM);
    }

    private static String unique(String prefix) {
        return prefix + System.nanoTime();
    }

    /** The request the test's reads belong to; {@link #lastLevel} starts the next one. */
    private static RequestContext request = RequestContext.of("test");

    /**
     * Returns the cache level that answered the current request's last read, and starts a new request (filing the
     * old one's counts, as the service does when a request answers).
     */
    private static TwoLevelCache.Level lastLevel() {
        String level = request.cacheOutcome();
        request.fileCounts();
        request = RequestContext.of("test");
        return level == null ? null : TwoLevelCache.Level.valueOf(level);
    }

    private static Object get(TwoLevelCache cache, String key, String tag, Object value, AtomicInteger loads)
            throws Exception {
        return cache.get(request, CacheName.CLIENT_DETAIL, key, List.of(tag), r -> {
            loads.incrementAndGet();
            return value;
        });
    }

    private static String json(Object value) {
        return new String(Json.bytes(value));
    }

    @Test
    void readThrough_l1ThenL2ThenLoader() throws Exception {
        TwoLevelCache a = node();
        TwoLevelCache b = node();
        String key = unique("k");
        String tag = unique("client:");
        AtomicInteger loads = new AtomicInteger();
        Map<String, Object> value = Map.of("name", "Ada", "budget", new java.math.BigDecimal("1200.50"));
        assertThat(get(a, key, tag, value, loads)).isEqualTo(value);
        assertThat(lastLevel()).isEqualTo(TwoLevelCache.Level.LOAD);
        assertThat(get(a, key, tag, value, loads)).isSameAs(value);
        assertThat(lastLevel()).isEqualTo(TwoLevelCache.Level.L1);
        awaitL2Writes(a);
        Object fromL2 = get(b, key, tag, value, loads);
        assertThat(lastLevel()).isEqualTo(TwoLevelCache.Level.L2);
        assertThat(json(fromL2)).isEqualTo(json(value)); // decimals keep their scale: 1200.50
        assertThat(loads).hasValue(1);
        assertThat(clientDetailFigures(a).l1Hits()).isEqualTo(1L);
    }

    @Test
    void hundredConcurrentMisses_loadOnce() throws Exception {
        TwoLevelCache cache = node();
        String key = unique("hot");
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return cache.get(request, CacheName.ANALYTICS_DASHBOARD, key, List.of("org:1:analytics"), r -> {
                        loads.incrementAndGet();
                        Thread.sleep(200); // a slow query: every other caller arrives while it runs
                        return Map.of("orders", 42);
                    });
                }));
            }
            start.countDown();
            for (Future<Object> f : results) {
                assertThat(f.get()).isEqualTo(Map.of("orders", 42));
            }
        }
        assertThat(loads).hasValue(1);
    }

    @Test
    void failedLoad_reachesEveryWaiterAsItself_andCaffeineLogsNothing() throws Exception {
        TwoLevelCache cache = node();
        String key = unique("failing");
        java.util.logging.Logger caffeine = java.util.logging.Logger.getLogger(
                "com.github.benmanes.caffeine.cache.LocalAsyncCache");
        List<java.util.logging.LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        caffeine.addHandler(handler);
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Object> first = pool.submit(() -> cache.get(request, CacheName.ANALYTICS_DASHBOARD, key,
                    List.of("org:1:analytics"), r -> {
                        loading.countDown();
                        release.await();
                        throw new java.sql.SQLTransientConnectionException("database down", "08001");
                    }));
            loading.await();
            Future<Object> waiter = pool.submit(() -> cache.get(request, CacheName.ANALYTICS_DASHBOARD, key,
                    List.of("org:1:analytics"), r -> "not called: the first load is in flight"));
            Thread.sleep(50); // the waiter finds the load in flight
            release.countDown();
            for (Future<Object> f : List.of(first, waiter)) {
                assertThat(org.assertj.core.api.Assertions.catchThrowable(f::get))
                        .hasCauseInstanceOf(java.sql.SQLTransientConnectionException.class)
                        .hasRootCauseMessage("database down");
            }
        } finally {
            caffeine.removeHandler(handler);
        }
        assertThat(logged).as("Caffeine's warnings for the failed load").isEmpty();
        // nothing cached: the next caller loads again
        assertThat(cache.get(request, CacheName.ANALYTICS_DASHBOARD, key, List.of("org:1:analytics"), r -> "loaded"))
                .isEqualTo("loaded");
    }

    private static long messagesApplied(TwoLevelCache node) {
        return node.snapshot().invalidationMessagesApplied();
    }

    /** Waits (at most 5 s) until a node has applied an invalidation message after the count it had. */
    private static void awaitMessage(TwoLevelCache node, long before) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (messagesApplied(node) <= before) {
            assertThat(System.nanoTime()).as("the invalidation message reached the other node").isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    @Test
    void tagInvalidation_dropsEntriesInBothLevels_onEveryNode() throws Exception {
        TwoLevelCache a = node();
        TwoLevelCache b = node();
        String tag = unique("client:");
        String k1 = unique("detail");
        String k2 = unique("budget");
        AtomicInteger loads = new AtomicInteger();
        get(a, k1, tag, "v1", loads);
        get(a, k2, tag, "w1", loads);
        awaitL2Writes(a);
        get(b, k1, tag, "v1", loads); // B holds k1 in its L1 (from L2)
        assertThat(lastLevel()).isEqualTo(TwoLevelCache.Level.L2);

        long heard = messagesApplied(b);
        a.invalidate(tag);
        assertThat(get(a, k1, tag, "v2", loads)).isEqualTo("v2");
        assertThat(lastLevel()).isEqualTo(TwoLevelCache.Level.LOAD);
        awaitL2Writes(a);
        awaitMessage(b, heard); // pub/sub is asynchronous: once B has applied the invalidation...
        // B got the invalidation by pub/sub: its L1 entry and the old L2 value are both stale
        assertThat(get(b, k2, tag, "w2", loads)).isEqualTo("w2");
        assertThat(lastLevel()).isEqualTo(TwoLevelCache.Level.LOAD);
        assertThat(json(get(b, k1, tag, "v3", loads))).as("fresh from L2: A's reload").isEqualTo("\"v2\"");
    }

    /**
     * The hit path trusts an entry checked at the current tag epoch without looking at its tags: an invalidation
     * that completes must still be seen by every read that starts after it, however the epoch stamps race with it.
     * Eight readers hammer the key (stamping it) while the writer bumps the source and invalidates 300 times; after
     * each invalidation, the writer's own read and every reader's next read see the new value or a newer one.
     */
    @Test
    void invalidation_isSeenByEveryLaterRead_whileHitsStampTheEntryConcurrently() throws Exception {
        TwoLevelCache a = node();
        String key = unique("hot");
        String tag = unique("client:");
        AtomicLong source = new AtomicLong();
        AtomicLong invalidated = new AtomicLong(); // the source version every read starting now must see
        AtomicInteger stale = new AtomicInteger();
        TwoLevelCache.Loader loader = r -> source.get();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> readers = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            readers.add(Thread.ofPlatform().start(() -> {
                try {
                    while (!stop.get()) {
                        long mustSee = invalidated.get();
                        long seen = version(a.get(request, CacheName.CLIENT_DETAIL, key, List.of(tag), loader));
                        if (seen < mustSee) {
                            stale.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    stale.addAndGet(1_000_000);
                }
            }));
        }
        for (int v = 1; v <= 300; v++) {
            source.set(v);
            a.invalidate(tag);
            invalidated.set(v);
            assertThat(version(a.get(request, CacheName.CLIENT_DETAIL, key, List.of(tag), loader)))
                    .isGreaterThanOrEqualTo(v);
        }
        stop.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertThat(stale).as("reads that started after an invalidation and saw an older value").hasValue(0);
    }

    /**
     * The source version a read returned. A loaded value is the loader's {@code Long}; a value another reader's load
     * wrote to L2 (and this read found there after its L1 entry went stale) comes back decoded, as a JSON tree.
     */
    private static long version(Object value) {
        return value instanceof JsonNode tree ? tree.longValue() : (Long) value;
    }

    /**
     * An invalidation whose message never reaches the nodes: what the invalidation script does in Redis (the
     * sequence and the tag's version go up) without its PUBLISH, run on a connection of the test's own.
     */
    private static void invalidateLosingTheMessage(String tag) {
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            String prefix = "perfgate:" + NAMESPACE + ":";
            c.sync().incr(prefix + "inv:seq");
            c.sync().incr(prefix + "tag:" + tag);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void lostInvalidationMessage_isCaughtBySequenceCheck() throws Exception {
        TwoLevelCache a = node();
        TwoLevelCache b = node();
        String tag = unique("client:");
        String key = unique("k");
        AtomicInteger loads = new AtomicInteger();
        get(b, key, tag, "old", loads);
        invalidateLosingTheMessage(tag);
        get(a, key, tag, "new", loads);
        awaitL2Writes(a);
        assertThat(get(b, key, tag, "new", loads)).as("message lost: stale until the next check").isEqualTo("old");
        // the sync loop's two checks: the first sees Redis ahead, the second finds the message never came
        b.tagVersions.syncNow();
        b.tagVersions.syncNow();
        assertThat(json(get(b, key, tag, "never", loads))).isEqualTo("\"new\"");
        assertThat(b.snapshot().lostMessagesDetected()).isEqualTo(1L);
    }

    @Test
    void entriesExpire_onAControllableClock() throws Exception {
        FakeClock clock = new FakeClock();
        TwoLevelCache cache = node(clock);
        String key = unique("dash");
        AtomicInteger loads = new AtomicInteger();
        // analytics: L1 10 s, L2 900 s (each minus up to 10 % jitter)
        java.util.concurrent.Callable<Object> read = () -> cache.get(request, CacheName.ANALYTICS_DASHBOARD, key,
                List.of("org:9:analytics"), r -> Map.of("n", loads.incrementAndGet()));
        read.call();
        awaitL2Writes(cache);
        clock.advance(Duration.ofSeconds(5));
        read.call();
        assertThat(lastLevel()).isEqualTo(TwoLevelCache.Level.L1);
        clock.advance(Duration.ofSeconds(6));
        assertThat(json(read.call())).isEqualTo("{\"n\":1}");
        assertThat(lastLevel()).as("L1 expired, L2 still valid").isEqualTo(TwoLevelCache.Level.L2);
        clock.advance(Duration.ofSeconds(900));
        assertThat(json(read.call())).isEqualTo("{\"n\":2}");
        assertThat(lastLevel()).isEqualTo(TwoLevelCache.Level.LOAD);
    }

    @Test
    void readLateInItsLifetime_servesTheEntry_andReloadsItOnceInTheBackground() throws Exception {
        FakeClock clock = new FakeClock();
        TwoLevelCache cache = node(clock);
        String key = unique("dash");
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch reloaded = new CountDownLatch(1);
        // analytics: L1 10 s less up to 10 % jitter, so 8.6 s is past the refresh ahead (80 %) and within the lifetime
        java.util.concurrent.Callable<Object> read = () -> cache.get(request, CacheName.ANALYTICS_DASHBOARD, key,
                List.of("org:9:analytics"), r -> {
                    int n = loads.incrementAndGet();
                    if (n == 2) {
                        reloaded.countDown();
                    }
                    return Map.of("n", n);
                });
        read.call();
        clock.advance(Duration.ofSeconds(2));
        read.call();
        assertThat(loads).as("a young entry is served without a reload").hasValue(1);
        clock.advance(Duration.ofMillis(6_600));
        assertThat(json(read.call())).as("the old value answers while the reload runs").isEqualTo("{\"n\":1}");
        assertThat(lastLevel()).isEqualTo(TwoLevelCache.Level.L1);
        assertThat(reloaded.await(5, java.util.concurrent.TimeUnit.SECONDS)).as("reloaded in the background").isTrue();
        // the reload puts its entry in L1 just after its loader returns
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!json(read.call()).equals("{\"n\":2}") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(json(read.call())).isEqualTo("{\"n\":2}");
        assertThat(lastLevel()).isEqualTo(TwoLevelCache.Level.L1);
        assertThat(loads).as("one reload, however many reads found the entry due").hasValue(2);
    }

    @Test
    void l1Hits_areCountedEach_andTimedEachAtFirst_thenOncePerTickOfTheCoarseClock() throws Exception {
        FakeClock clock = new FakeClock(); // its coarse reading is its precise one, which moves only by hand
        TwoLevelCache cache = node(clock);
        String key = unique("client");
        AtomicInteger loads = new AtomicInteger();
        get(cache, key, "client:1", "v", loads);
        for (int i = 0; i < 150; i++) {
            get(cache, key, "client:1", "v", loads);
        }
        assertThat(clientDetailFigures(cache).l1Hits()).isEqualTo(150);
        assertThat(clientDetailFigures(cache).latency().get("l1").count())
                .as("the first hundred hits timed each, then none more while the clock stays in one tick")
                .isEqualTo(100);
        for (int tick = 1; tick <= 3; tick++) {
            clock.advance(Duration.ofMillis(1));
            for (int i = 0; i < 10; i++) {
                get(cache, key, "client:1", "v", loads);
            }
            assertThat(clientDetailFigures(cache).latency().get("l1").count()).as("one hit timed in tick " + tick)
                    .isEqualTo(100 + tick);
        }
        assertThat(clientDetailFigures(cache).l1Hits()).as("every hit counted, timed or not").isEqualTo(180);
        assertThat(loads).hasValue(1);
    }

    /** Returns the client-detail cache's figures once the test's request has filed its counts, as a request does. */
    private static PerformanceFigures.CacheRegion clientDetailFigures(TwoLevelCache cache) {
        request.fileCounts();
        return figures(cache, CacheName.CLIENT_DETAIL);
    }

    private static PerformanceFigures.CacheRegion figures(TwoLevelCache cache, CacheName name) {
        return cache.snapshot().caches().get(name.id());
    }

    @Test
    void l1Hits_areCountedInTheRequest_andReachTheFiguresWhenItFilesThem() throws Exception {
        TwoLevelCache cache = node();
        String key = unique("client");
        AtomicInteger loads = new AtomicInteger();
        get(cache, key, "client:1", "v", loads);
        RequestContext reader = RequestContext.of("GET /api/clients/{id}");
        TwoLevelCache.Loader budget = r -> "b";
        cache.get(reader, CacheName.BUDGET, key, List.of("client:1"), budget); // a load: counted where it happens
        for (int i = 0; i < 3; i++) {
            cache.get(reader, CacheName.CLIENT_DETAIL, key, List.of("client:1"), r -> "v");
        }
        assertThat(figures(cache, CacheName.CLIENT_DETAIL).l1Hits()).as("not filed yet").isZero();
        cache.get(reader, CacheName.BUDGET, key, List.of("client:1"), budget);
        assertThat(figures(cache, CacheName.CLIENT_DETAIL).l1Hits())
                .as("filed when the request counts for another cache").isEqualTo(3);
        assertThat(figures(cache, CacheName.BUDGET).l1Hits()).isZero();
        reader.fileCounts();
        reader.fileCounts();
        assertThat(figures(cache, CacheName.BUDGET).l1Hits()).as("filed once, however often asked").isEqualTo(1);
        assertThat(figures(cache, CacheName.CLIENT_DETAIL).l1Hits()).isEqualTo(3);
        cache.get(reader, CacheName.BUDGET, key, List.of("client:1"), budget);
        reader.fileCounts();
        assertThat(figures(cache, CacheName.BUDGET).l1Hits()).as("a request may go on counting after it filed")
                .isEqualTo(2);
        assertThat(loads).hasValue(1);
    }

    @Test
    void notFound_isCachedBriefly_onBothLevels() throws Exception {
        TwoLevelCache a = node();
        TwoLevelCache b = node();
        String key = unique("missing");
        AtomicInteger loads = new AtomicInteger();
        TwoLevelCache.Loader missing = r -> {
            loads.incrementAndGet();
            throw ApiException.notFound("client", 999_999);
        };
        for (TwoLevelCache cache : List.of(a, a, b)) {
            assertThatThrownBy(() -> cache.get(request, CacheName.CLIENT_DETAIL, key, List.of("client:999999"), missing))
                    .isInstanceOf(ApiException.class).hasMessageContaining("999999")
                    .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(404));
        }
        assertThat(loads).hasValue(1);
    }

    @Test
    void largeValues_areCompressed_andRoundTripExactly() throws Exception {
        Codec codec = new Codec(1024);
        Map<String, Object> big = new LinkedHashMap<>();
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            items.add(Map.of("id", i, "name", "Vendor " + i, "rating", new java.math.BigDecimal("4.50"),
                    "city", "Lisbon"));
        }
        big.put("items", items);
        byte[] raw = Json.bytes(big);
        byte[] encoded = codec.encode(new Codec.Stored(big, false, 0, new String[] {"all"}, new long[] {3}));
        assertThat(encoded.length).as("compressed well below the JSON").isLessThan(raw.length / 4);
        Codec.Stored back = codec.decode(encoded);
        assertThat(json(back.value())).isEqualTo(new String(raw));
        assertThat(back.versions()).containsExactly(3);
        byte[] small = new Codec(1024).encode(new Codec.Stored(Map.of("a", 1), false, 0, new String[0], new long[0]));
        assertThat(json(codec.decode(small).value())).isEqualTo("{\"a\":1}");
        assertThat(codec.decode(new byte[] {9, 9, 9})).as("not an entry: a miss, not an error").isNull();

        TwoLevelCache a = node();
        TwoLevelCache b = node();
        String key = unique("big");
        get(a, key, "vendors", big, new AtomicInteger());
        awaitL2Writes(a);
        assertThat(json(get(b, key, "vendors", "unused", new AtomicInteger()))).isEqualTo(new String(raw));
        assertThat(lastLevel()).isEqualTo(TwoLevelCache.Level.L2);
    }

    @Test
    void redisPaused_requestsSucceed_andNothingStaleAfterItReturns() throws Exception {
        TwoLevelCache a = node();
        TwoLevelCache b = node();
        String tag = unique("client:");
        String key = unique("k");
        AtomicInteger loads = new AtomicInteger();
        get(a, key, tag, "before", loads); // in L1 of A and in Redis
        redis.pause();
        try {
            // the breaker opens after a few timeouts; every read still answers, from L1 or the loader
            for (int i = 0; i < 10; i++) {
                assertThat(get(a, unique("other"), tag, "x", loads)).isEqualTo("x");
            }
            assertThat(a.breakerState()).isEqualTo("OPEN");
            a.invalidate(tag); // kept for replay: Redis cannot hear it now
            assertThat(get(a, key, tag, "during", loads)).as("A's own write is visible at once").isEqualTo("during");
        } finally {
            redis.resume();
        }
        // B was not part of the outage: it reads Redis, where the pre-outage value still sits. A's replay must come
        // first, so make A use Redis again (the breaker lets calls through after its wait), then read on B.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!a.breakerState().equals("CLOSED") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            get(a, unique("probe"), tag, "p", loads);
        }
        assertThat(a.breakerState()).isEqualTo("CLOSED");
        assertThat(json(get(b, key, tag, "after", loads))).as("the old L2 value is stale after the replay")
                .isEqualTo("\"after\"");
    }

    @Test
    void redisLost_l1EntriesOlderThanTheDegradedLifetime_areNotServed_evenOnceFoundCurrent() throws Exception {
        FakeClock clock = new FakeClock();
        TwoLevelCache a = node(clock);
        String tag = unique("client:");
        String key = unique("k");
        AtomicInteger loads = new AtomicInteger();
        get(a, key, tag, "v", loads);
        for (int i = 0; i < 200; i++) {
            get(a, key, tag, "v", loads); // past the timed first hits: the entry is found current and stamped
        }
        assertThat(lastLevel()).isEqualTo(TwoLevelCache.Level.L1);
        // within its L1 lifetime (60 s) but past the degraded one (1 s): once Redis is lost, another node's writes
        // cannot reach this one, so the stamp must not carry the entry through
        clock.advance(TwoLevelCache.DEGRADED_L1_TTL.multipliedBy(2));
        redis.pause();
        try {
            for (int i = 0; i < 10 && !a.breakerState().equals("OPEN"); i++) {
                get(a, unique("other"), tag, "x", loads);
            }
            assertThat(a.snapshot().degraded()).isTrue();
            lastLevel();
            int before = loads.get();
            assertThat(get(a, key, tag, "v2", loads)).isEqualTo("v2");
            assertThat(lastLevel()).as("reloaded, not served from L1").isEqualTo(TwoLevelCache.Level.LOAD);
            assertThat(loads).hasValue(before + 1);
        } finally {
            redis.resume();
        }
    }

    @Test
    void redisStopped_andRestartedEmpty_cacheKeepsServing() throws Exception {
        TwoLevelCache a = node();
        String tag = unique("client:");
        AtomicInteger loads = new AtomicInteger();
        redis.stop();
        try {
            for (int i = 0; i < 10; i++) {
                assertThat(get(a, unique("k"), tag, "v", loads)).isEqualTo("v");
            }
            assertThat(a.snapshot().degraded()).isEqualTo(true);
        } finally {
            redis.start();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!a.breakerState().equals("CLOSED") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            get(a, unique("probe"), tag, "p", loads);
        }
        assertThat(a.breakerState()).isEqualTo("CLOSED");
        assertThat(a.snapshot().degraded()).isEqualTo(false);
    }

    @Test
    void l1Only_withoutRedis() throws Exception {
        TwoLevelCache cache = new TwoLevelCache(settings(1000), Optional.empty(), NAMESPACE,
                TwoLevelCache.Clock.SYSTEM, new SimpleMeterRegistry());
        caches.add(cache);
        AtomicInteger loads = new AtomicInteger();
        get(cache, "k", "client:1", "v1", loads);
        get(cache, "k", "client:1", "v1", loads);
        cache.invalidate("client:1");
        assertThat(get(cache, "k", "client:1", "v2", loads)).isEqualTo("v2");
        assertThat(loads).hasValue(2);
        assertThat(cache.breakerState()).isEqualTo("NONE");
    }

    @Test
    void strategies_parseAndRejectWithReasons() {
        Map<String, CacheStrategy> s = CacheStrategy.parse("high-traffic:l1=50000/60s,l2=300s;standard:l1=64MB/30s,"
                + "l2=2m,jitter=0.2,negative=5s;analytics:l1=10/500ms,l2=900s");
        assertThat(s.get("high-traffic").l1MaxEntries()).isEqualTo(50_000);
        assertThat(s.get("standard").l1MaxBytes()).isEqualTo(64L << 20);
        assertThat(s.get("standard").l2Ttl()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.get("analytics").l1Ttl()).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> CacheStrategy.parse("high-traffic:l1=0/60s,l2=300s;standard:l1=1/1s,l2=1s;"
                + "analytics:l1=1/1s,l2=1s")).hasMessageContaining("bound of at least 1");
        assertThatThrownBy(() -> CacheStrategy.parse("standard:l1=1/1s,l2=1s")).hasMessageContaining("high-traffic");
        assertThatThrownBy(() -> CacheStrategy.parse("x:l1=1h")).hasMessageContaining("must look like");
    }
}
