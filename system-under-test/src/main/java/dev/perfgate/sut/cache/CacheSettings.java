package dev.perfgate.sut.cache;

import java.util.Map;

/**
 * The two-level cache's part of the service's configuration, built and validated at the top ({@code SutConfig}).
 *
 * @param enabled          whether hot reads go through the cache at all
 * @param strategies       each strategy's L1 bound and lifetimes, by name
 * @param compressMinBytes encoded values at least this large are compressed in L2
 * @param redisTimeoutMs   timeout of each Redis command
 * @param syncMs           how often a node checks for invalidations it missed
 * @param warmup           load the hottest keys at start-up
 */
public record CacheSettings(boolean enabled, Map<String, CacheStrategy> strategies, int compressMinBytes,
                            int redisTimeoutMs, int syncMs, boolean warmup) {
    public CacheSettings {
        strategies = Map.copyOf(strategies);
    }
}
