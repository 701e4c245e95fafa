package dev.perfgate.sut.cache;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import dev.perfgate.sut.cache.TwoLevelCache.Level;

/**
 * One named cache's L1 tier and its statistics: the Caffeine map of this node (bounded by entries or bytes, as the
 * cache's strategy says) and how often each level answered, how fast, and what was evicted, refreshed or loaded.
 * The fields the L1 hit path reads are plain final fields, so a hit touches no map of counters.
 */
final class L1Region {
    /** Hits timed each after a start or a statistics reset, before one in {@link TwoLevelCache#L1_TIMING_SAMPLE}. */
    private static final int UNTIMED_HITS = 100;

    final CacheName name;
    final CacheStrategy strategy;
    final AsyncCache<String, CacheEntry> l1;
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
    int untimedBudget = UNTIMED_HITS;

    L1Region(CacheName name, CacheStrategy strategy, TwoLevelCache.Clock clock) {
        this.name = name;
        this.strategy = strategy;
        // Each entry's own lifetime (jittered; shorter for a 404, none for versions not known) is checked on
        // the hit path against the coarse clock (see TwoLevelCache.live); Caffeine only drops entries past the
        // longest lifetime, a fixed expiry whose read path is far cheaper than a per-entry one (a timer wheel updated
        // on every read). Its ticker is the coarse clock too: no System.nanoTime on a hit.
        long longest = Math.max(strategy.l1Ttl().toNanos(), strategy.negativeTtl().toNanos());
        Caffeine<Object, Object> b = Caffeine.newBuilder().ticker(clock::coarseNanos)
                .expireAfterWrite(longest, TimeUnit.NANOSECONDS);
        Caffeine<String, CacheEntry> typed = strategy.l1MaxBytes() > 0
                ? b.maximumWeight(strategy.l1MaxBytes()).weigher((String k, CacheEntry e) -> e.weight)
                : b.maximumWeight(strategy.l1MaxEntries()).weigher((String k, CacheEntry e) -> 1);
        this.l1 = typed
                .removalListener((String k, CacheEntry e, RemovalCause cause) -> {
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

    /** Returns reads answered from L1 or L2 (hits) and by the loader. */
    long hits() {
        return served.get(Level.L1).sum() + served.get(Level.L2).sum();
    }

    long loads() {
        return served.get(Level.LOAD).sum();
    }

    /** Returns this cache's statistics, for {@code /api/performance/metrics}. */
    Map<String, Object> snapshot() {
        Map<String, Object> m = new LinkedHashMap<>();
        long l1Hits = served.get(Level.L1).sum();
        long l2Hits = served.get(Level.L2).sum();
        long loads = loads();
        long total = l1Hits + l2Hits + loads;
        m.put("strategy", strategy.name());
        m.put("requests", total);
        m.put("l1Hits", l1Hits);
        m.put("l2Hits", l2Hits);
        m.put("l2Misses", l2Misses.sum());
        m.put("loads", loads);
        m.put("hitRatio", total == 0 ? 0 : Math.round(10_000.0 * (l1Hits + l2Hits) / total) / 10_000.0);
        m.put("negativeHits", negativeHits.sum());
        m.put("refreshes", refreshes.sum());
        m.put("evictions", evictions.sum());
        m.put("l1Entries", l1.synchronous().estimatedSize());
        m.put("loadTimeMs", loadNanos.sum() / 1e6);
        Map<String, Object> lat = new LinkedHashMap<>();
        for (Level level : List.of(Level.L1, Level.L2, Level.LOAD)) {
            Histogram h = latency.get(level).copy();
            if (h.getTotalCount() > 0) {
                lat.put(level.name().toLowerCase(Locale.ROOT), Map.of("count", h.getTotalCount(),
                        "p50Us", h.getValueAtPercentile(50), "p95Us", h.getValueAtPercentile(95),
                        "p99Us", h.getValueAtPercentile(99), "maxUs", h.getMaxValue()));
            }
        }
        m.put("latency", lat);
        return m;
    }

    /** Clears the statistics; cached values stay. */
    void resetStats() {
        served.values().forEach(LongAdder::reset);
        latency.values().forEach(Histogram::reset);
        untimedBudget = UNTIMED_HITS;
        l2Misses.reset();
        negativeHits.reset();
        refreshes.reset();
        loadNanos.reset();
    }

    /** Publishes this cache's counters to Prometheus. */
    void register(MeterRegistry registry) {
        for (Level level : List.of(Level.L1, Level.L2, Level.LOAD)) {
            FunctionCounter.builder("perfgate.cache.served", served.get(level), LongAdder::sum)
                    .description("Cache reads by the level that answered (load: the database)")
                    .tags("cache", name.id(), "level", level.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        FunctionCounter.builder("perfgate.cache.evictions", evictions, LongAdder::sum)
                .tags("cache", name.id()).register(registry);
        FunctionCounter.builder("perfgate.cache.load.seconds", loadNanos, a -> a.sum() / 1e9)
                .tags("cache", name.id()).register(registry);
        Gauge.builder("perfgate.cache.l1.entries", l1, c -> c.synchronous().estimatedSize())
                .tags("cache", name.id()).register(registry);
    }
}
