package dev.perfgate.sut.http;

import java.util.List;

import dev.perfgate.sut.cache.CacheName;
import dev.perfgate.sut.cache.TwoLevelCache;

/**
 * How endpoints use the cache: a read goes through it unless the request is in naive mode (which measures the
 * service without it) or the cache is off; a write names the tags it changed.
 */
public final class CachedReads {
    private final TwoLevelCache cache;

    /** @param cache the cache, or null when {@code SUT_CACHE_ENABLED=false} */
    public CachedReads(TwoLevelCache cache) {
        this.cache = cache;
    }

    /** Returns the value from the cache, or loads it directly in naive mode or without a cache. */
    public Object get(ApiRequest r, CacheName name, String key, List<String> tags, TwoLevelCache.Loader loader)
            throws Exception {
        if (cache == null || r.mode() == PerfMode.NAIVE) {
            r.context().cacheOutcome(TwoLevelCache.Level.BYPASS.name());
            return loader.load(r.context());
        }
        return cache.get(r.context(), name, key, tags, loader);
    }

    /** Invalidates what a write changed. */
    public void invalidate(String... tags) {
        if (cache != null) {
            cache.invalidate(tags);
        }
    }
}
