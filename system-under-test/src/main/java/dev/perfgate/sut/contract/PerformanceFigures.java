package dev.perfgate.sut.contract;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of {@code GET /api/performance/metrics}, as records: what the service has served, its pools, cache, rate
 * limits, compression, streams and JVM since start or the last metrics reset. The harness stores it whole in a
 * run's {@code results.json} ({@code server.metrics}), so a field renamed here is a contract change: bump
 * {@link #SCHEMA_VERSION} with it.
 */
public record PerformanceFigures(int schemaVersion, List<Endpoint> endpoints, List<SlowRoute> slowest,
                                 Map<String, Pool> pools, Cache cache, RateLimits rateLimits,
                                 Compression compression, Streams streams, Jvm jvm) {
    /** The version of this body's shape. */
    public static final int SCHEMA_VERSION = 1;

    /**
     * The body of {@code GET /api/performance/health}: UP with 200 when every database answers, else DOWN with 503,
     * the error and a message naming the databases that failed.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Health(String status, String error, String message, Map<String, Component> components) {
    }

    /**
     * One database as health found it: answered {@code SELECT 1} (UP), or failed, or known down by its breaker (then
     * since when); its breaker, the outages seen, how long the check took and its pool.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Component(String status, String error, String downSince, Long downForMs, String breaker,
                            long outages, double latencyMs, Pool pool) {
    }

    /** One route's requests since the last reset; latencies in milliseconds, exact (HdrHistogram, 3 digits). */
    public record Endpoint(String route, long count, long clientErrors, long errors, Double minMs, Double p50Ms,
                           Double p95Ms, Double p99Ms, Double maxMs, Double meanMs, List<SlowRequest> slowestRequests) {
    }

    /** One of a route's slowest requests, by the id its response carried. */
    public record SlowRequest(String requestId, int status, double ms) {
    }

    /** One route's requests in one interval of the live metrics stream; latencies in milliseconds, exact. */
    public record IntervalEndpoint(String route, long count, double perSecond, double p50Ms, double p95Ms,
                                   double p99Ms, double maxMs, long clientErrors, long errors) {
    }

    /** The routes that served requests in one interval, busiest first, and the interval's length. */
    public record Interval(double intervalSeconds, List<IntervalEndpoint> endpoints) {
    }

    /** A route among the five slowest by p95. */
    public record SlowRoute(String route, double p95Ms) {
    }

    /** A connection pool's size and use; the counts are absent before the pool has started. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Pool(String name, Integer active, Integer idle, Integer total, Integer waiting, int max) {
    }

    /** The two-level cache: absent figures when it is off ({@code enabled} false). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cache(boolean enabled, String redis, String breaker, Boolean degraded, Long invalidations,
                        Long lostMessagesDetected, Long invalidationMessagesApplied, Long l2Errors,
                        Map<String, CacheRegion> caches) {
        /** The figures of a service whose cache is off. */
        public static final Cache OFF = new Cache(false, null, null, null, null, null, null, null, null);
    }

    /** One named cache: reads by the level that answered, and what it evicted, refreshed and loaded. */
    public record CacheRegion(String strategy, long requests, long l1Hits, long l2Hits, long l2Misses, long loads,
                              double hitRatio, long negativeHits, long refreshes, long evictions, long l1Entries,
                              double loadTimeMs, Map<String, LevelLatency> latency) {
    }

    /** How fast one cache level answered, in microseconds. */
    public record LevelLatency(long count, long p50Us, long p95Us, long p99Us, long maxUs) {
    }

    /** The rate limiter: absent figures when limits are off ({@code enabled} false). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RateLimits(boolean enabled, Long clients, Map<String, RateTier> tiers) {
        /** The figures of a service without limits. */
        public static final RateLimits OFF = new RateLimits(false, null, null);
    }

    /** One tier's limit and what it allowed and rejected. */
    public record RateTier(double perSecond, long burst, long allowed, long rejected) {
    }

    /** The response codings offered and the smallest body compressed. */
    public record Compression(List<String> codings, int minBytes) {
    }

    /** The live streams open now. */
    public record Streams(int analyticsLive, int metricsStream) {
    }

    /** The service's JVM: heap now and at its peak since the last reset, and what it runs on. */
    public record Jvm(long heapUsedBytes, long heapPeakBytes, long heapMaxBytes, long uptimeSeconds, int processors,
                      String javaVersion) {
    }
}
