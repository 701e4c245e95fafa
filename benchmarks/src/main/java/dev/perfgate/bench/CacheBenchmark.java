package dev.perfgate.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.perfgate.sut.cache.CacheName;
import dev.perfgate.sut.cache.CacheSettings;
import dev.perfgate.sut.cache.CacheStrategy;
import dev.perfgate.sut.cache.Codec;
import dev.perfgate.embedded.EmbeddedRedis;
import dev.perfgate.sut.cache.TwoLevelCache;
import dev.perfgate.sut.request.RequestContext;

/**
 * The two-level cache beside the raw libraries it wraps, on one embedded Redis in one run: an L1 hit against a raw
 * Caffeine {@code getIfPresent}, an L2 hit against a raw Lettuce {@code GET} of the same bytes, a miss that loads
 * (and writes L2), a tag invalidation (one script call), and a mixed group of readers and an invalidating writer.
 * Keys follow a Zipf distribution (s = 1.1 over 10,000 keys), as hot data does. Values are a couple's detail as the
 * service answers it (~600 bytes of JSON).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CacheBenchmark -rf json -rff cache.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CacheBenchmark {
    static final int KEYS = 10_000;
    private static final List<String> TAGS = List.of("client:bench");

    private EmbeddedRedis redis;
    private TwoLevelCache cache;
    /** A node whose L1 holds one entry: nearly every read is an L1 miss answered by L2. */
    private TwoLevelCache l2Node;
    private Cache<String, Object> caffeine;
    private RedisClient client;
    private StatefulRedisConnection<String, byte[]> connection;
    private RedisCommands<String, byte[]> lettuce;
    private String[] keys;
    private int[] zipf;
    private Object value;
    /** One loader for every call, as a service holds its loaders: a lambda per call would be the caller's garbage. */
    private TwoLevelCache.Loader loader;
    private final AtomicLong fresh = new AtomicLong();
    /** The background work that fills the cache before measuring, and the single-threaded miss benchmark's request. */
    private final RequestContext warmup = RequestContext.background("benchmark set-up");

    @Setup(Level.Trial)
    public void start() throws Exception {
        redis = EmbeddedRedis.startFresh();
        value = clientDetail();
        loader = request -> value;
        Map<String, CacheStrategy> strategies = CacheStrategy.parse(CacheStrategy.DEFAULTS);
        cache = new TwoLevelCache(new CacheSettings(true, strategies, 1024, 500, 1000, false),
                Optional.of(redis.url()), "bench", TwoLevelCache.Clock.SYSTEM, new SimpleMeterRegistry());
        l2Node = new TwoLevelCache(new CacheSettings(true, CacheStrategy.parse("high-traffic:l1=1/60s,l2=300s;"
                + "standard:l1=1/60s,l2=300s;analytics:l1=1/60s,l2=300s"), 1024, 500, 1000, false),
                Optional.of(redis.url()), "bench", TwoLevelCache.Clock.SYSTEM, new SimpleMeterRegistry());
        caffeine = Caffeine.newBuilder().maximumSize(50_000).build();
        client = RedisClient.create(redis.url());
        connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        lettuce = connection.sync();
        byte[] encoded = new Codec(1024).encode(new Codec.Stored(value, false, Long.MAX_VALUE, new String[] {"x"},
                new long[] {0}));
        keys = new String[KEYS];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "client-" + i;
            String key = keys[i];
            cache.get(warmup, CacheName.CLIENT_DETAIL, key, TAGS, loader);
            caffeine.put(key, value);
            lettuce.set("raw:" + key, encoded);
        }
        zipf = zipf(1 << 16, KEYS, 1.1, 42);
    }

    @TearDown(Level.Trial)
    public void stop() {
        connection.close();
        client.shutdown();
        cache.close();
        l2Node.close();
        redis.close();
    }

    /** Per-thread position in the Zipf sequence. */
    @State(Scope.Thread)
    public static class Cursor {
        int i;
        /**
         * The request this thread's reads belong to, as the service hands each request's context to the cache: one
         * long request, whose hit count {@link #l1Hit} never files (see {@link #l1HitFiledPerRequest}).
         */
        final RequestContext request = RequestContext.of("GET /api/clients/{id}");

        String next(CacheBenchmark b) {
            i = (i + 1) & (b.zipf.length - 1);
            return b.keys[b.zipf[i]];
        }
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public Object rawCaffeineGetIfPresent(Cursor c) {
        return caffeine.getIfPresent(c.next(this));
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public Object l1Hit(Cursor c) throws Exception {
        return cache.get(c.request, CacheName.CLIENT_DETAIL, c.next(this), TAGS, loader);
    }

    /**
     * An L1 hit in a request of its own: the hit, then its request filing the hit count into the cache's counter (an
     * atomic add), as a request that reads one cached value pays both. {@link #l1Hit} is a request that reads many
     * and files once, so this one shows what moving the atomic add out of the hit saves a one-read request: nothing.
     */
    @Benchmark
    @Fork(Forks.RATIO)
    public Object l1HitFiledPerRequest(Cursor c) throws Exception {
        Object value = cache.get(c.request, CacheName.CLIENT_DETAIL, c.next(this), TAGS, loader);
        c.request.fileCounts();
        return value;
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public byte[] rawLettuceGet(Cursor c) {
        return lettuce.get("raw:" + c.next(this));
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public Object l2Hit(Cursor c) throws Exception {
        return l2Node.get(c.request, CacheName.CLIENT_DETAIL, c.next(this), TAGS, loader);
    }

    @Benchmark
    public Object missWithLoad() throws Exception {
        return cache.get(warmup, CacheName.VENDOR_DETAIL, "fresh-" + fresh.incrementAndGet(), TAGS, loader);
    }

    @Benchmark
    public void tagInvalidation() {
        cache.invalidate("vendor:" + (fresh.incrementAndGet() & 1023));
    }

    @Benchmark
    @Group("mixed")
    @GroupThreads(3)
    public Object mixedRead(Cursor c) throws Exception {
        return cache.get(c.request, CacheName.CLIENT_DETAIL, c.next(this), List.of("client:" + (c.i & 255)), loader);
    }

    @Benchmark
    @Group("mixed")
    @GroupThreads(1)
    public void mixedWrite(Cursor c) {
        cache.invalidate("client:" + (c.next(this).hashCode() & 255));
    }

    /** Samples of key indexes following Zipf(s) over n keys, by inverting the cumulative distribution. */
    static int[] zipf(int samples, int n, double s, long seed) {
        double[] cumulative = new double[n];
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1 / Math.pow(k, s);
            cumulative[k - 1] = sum;
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] out = new int[samples];
        for (int i = 0; i < samples; i++) {
            double u = random.nextDouble() * sum;
            int lo = 0;
            int hi = n - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cumulative[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            out[i] = lo;
        }
        return out;
    }

    /** A couple's detail as the service answers it. */
    static Map<String, Object> clientDetail() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", 4819);
        m.put("orgId", 17);
        m.put("partner1Name", "Amelia Hartwell");
        m.put("partner2Name", "Jonah Okafor");
        m.put("email", "amelia.hartwell@example.com");
        m.put("phone", "+1 512 555 0142");
        m.put("weddingDate", "2026-09-19");
        m.put("status", "planning");
        m.put("city", "Austin");
        m.put("guestEstimate", 140);
        m.put("budgetTotal", new java.math.BigDecimal("48500.00"));
        m.put("createdAt", "2025-10-02T14:31:07Z");
        m.put("updatedAt", "2026-02-11T09:12:44Z");
        m.put("version", 3);
        m.put("summary", Map.of("organization", "Bluebonnet Events", "guestHouseholds", 62, "guestsAttending", 118,
                "openTasks", 14, "overdueTasks", 2, "budgetEstimated", new java.math.BigDecimal("47210.00"),
                "budgetActual", new java.math.BigDecimal("31877.50"), "paid", new java.math.BigDecimal("22000.00"),
                "confirmedBookings", 5, "pendingBookings", 2));
        return m;
    }
}
