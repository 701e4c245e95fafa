package dev.perfgate.sut.cache;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import dev.perfgate.sut.cache.TwoLevelCache.Level;
import dev.perfgate.sut.contract.PerformanceFigures;
import dev.perfgate.sut.request.RequestContext;

/**
 * One named cache's L1 tier and its statistics: the Caffeine map of this node (bounded by entries or bytes, as the
 * cache's strategy says) and how often each level answered, how fast, and what was evicted, refreshed or loaded.
 * The fields the L1 hit path reads are plain final fields, so a hit touches no map of counters.
 */
final class L1Region {
    /** Hits timed each after a start or a statistics reset, before one per tick of the coarse clock. */
    private static final int UNTIMED_HITS = 100;

    final CacheName name;
    final CacheStrategy strategy;
    /** The entries this node holds: only finished loads, so that a hit is one plain map lookup. */
    final Cache<String, CacheEntry> l1;
    /** The loads in flight, by key: a second reader of a key being loaded waits for the first load. */
    final ConcurrentHashMap<String, CompletableFuture<CacheEntry>> loading = new ConcurrentHashMap<>();
    final EnumMap<Level, LongAdder> served = new EnumMap<>(Level.class);
    final EnumMap<Level, Histogram> latency = new EnumMap<>(Level.class);
    final LongAdder l2Misses = new LongAdder();
    final LongAdder negativeHits = new LongAdder();
    final LongAdder refreshes = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder loadNanos = new LongAdder();

    /**
     * What an L1 hit counts for in its request, which adds its hits to {@link #served}'s L1 counter when it answers:
     * the hit itself does no atomic add (see {@link RequestContext#count}).
     */
    final RequestContext.Counter l1Hits;
    /** Hits still to be timed each before sampling starts (a plain field, read and written by timed hits only). */
    int untimedBudget = UNTIMED_HITS;
    /**
     * The coarse clock's reading when a hit was last timed, once the first hits have been timed each: the hit path
     * serves a hit untimed only in this tick, so the first hit of every tick is timed (a plain field: read on every
     * hit, written about once a millisecond).
     */
    long lastTimedTick = Long.MIN_VALUE;

    L1Region(CacheName name, CacheStrategy strategy) {
        this.name = name;
        this.strategy = strategy;
        // Each entry's own lifetime (jittered; shorter for a 404, none for versions not known) is checked on the hit
        // path against the coarse clock (see TwoLevelCache.get), so Caffeine keeps no expiry of its own and its
        // read path checks no time. An entry past its lifetime is removed by the read that finds it, or evicted by
        // size like any other; the bound on entries or bytes holds either way.
        // Bounded by entries, the map keeps no weights: a weighed map's read path measured 13 ns against 9 ns for
        // a sized one in the same JMH run, and a weight of 1 per entry only paid that for nothing.
        Caffeine<String, CacheEntry> b = Caffeine.newBuilder()
                .removalListener((String k, CacheEntry e, RemovalCause cause) -> {
                    if (cause.wasEvicted()) {
                        evictions.increment();
                    }
                })
                // maintenance and the listener (an increment) run on the calling thread: handing them to the
                // common pool woke another thread for every eviction, on a two-core machine a context switch
                // per L2 hit into a full L1
                .executor(Runnable::run);
        this.l1 = strategy.l1MaxBytes() > 0
                ? b.maximumWeight(strategy.l1MaxBytes()).weigher((String k, CacheEntry e) -> e.weight).build()
                : b.maximumSize(strategy.l1MaxEntries()).build();
        for (Level level : Level.values()) {
            served.put(level, new LongAdder());
            latency.put(level, new ConcurrentHistogram(3));
        }
        l1Hits = served.get(Level.L1)::add;
    }

    /** Returns reads answered from L1 or L2 (hits) and by the loader. */
    long hits() {
        return served.get(Level.L1).sum() + served.get(Level.L2).sum();
    }

    long loads() {
        return served.get(Level.LOAD).sum();
    }

    /** Returns this cache's statistics, for {@code /api/performance/metrics}. */
    PerformanceFigures.CacheRegion snapshot() {
        long l1Hits = served.get(Level.L1).sum();
        long l2Hits = served.get(Level.L2).sum();
        long loads = loads();
        long total = l1Hits + l2Hits + loads;
        Map<String, PerformanceFigures.LevelLatency> lat = new LinkedHashMap<>();
        for (Level level : List.of(Level.L1, Level.L2, Level.LOAD)) {
            Histogram h = latency.get(level).copy();
            if (h.getTotalCount() > 0) {
                lat.put(level.name().toLowerCase(Locale.ROOT), new PerformanceFigures.LevelLatency(h.getTotalCount(),
                        h.getValueAtPercentile(50), h.getValueAtPercentile(95), h.getValueAtPercentile(99),
                        h.getMaxValue()));
            }
        }
        return new PerformanceFigures.CacheRegion(strategy.name(), total, l1Hits, l2Hits, l2Misses.sum(), loads,
                total == 0 ? 0 : Math.round(10_000.0 * (l1Hits + l2Hits) / total) / 10_000.0, negativeHits.sum(),
                refreshes.sum(), evictions.sum(), l1.estimatedSize(), loadNanos.sum() / 1e6, lat);
    }

    /** Clears the statistics; cached values stay. */
    void resetStats() {
        served.values().forEach(LongAdder::reset);
        latency.values().forEach(Histogram::reset);
        untimedBudget = UNTIMED_HITS;
        lastTimedTick = Long.MIN_VALUE;
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
        Gauge.builder("perfgate.cache.l1.entries", l1, Cache::estimatedSize)
                .tags("cache", name.id()).register(registry);
    }
}
