package dev.perfgate.sut.cache;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A value as one node's L1 holds it: what was loaded (or the 404 remembered for it), the tags and the versions
 * they had when it was loaded, when it was loaded and how long L1 may serve it.
 *
 * <p>What the L1 hit path reads of an entry is in {@link EntryHead}, its superclass, because the JVM lays a superclass's
 * fields out first: the class word, the value, the fresh-until time and the epoch stamp take the entry's first 32
 * bytes, so a hit usually reads one cache line of the entry, where with the fields in one class it read across two
 * more often than not (JOL: the value came after every primitive field, at offset 52). A hit reads one entry among
 * thousands, so its line is often not in the core's cache: the line it saves is a memory access.
 */
final class CacheEntry extends EntryHead {
    /** The value of a negative entry: the loader's 404, kept to be thrown again on hits (its JSON tree once in L2). */
    record NotFound(String message, String field) {
        static NotFound of(com.fasterxml.jackson.databind.JsonNode stored) {
            return new NotFound(stored.path("message").asText(),
                    stored.path("field").isTextual() ? stored.path("field").asText() : null);
        }
    }

    /** The part of an entry's L1 lifetime after which a read reloads it in the background (refresh ahead). */
    private static final double REFRESH_AHEAD = 0.8;

    final boolean negative;
    final String[] tags;
    final long[] versions;
    final long loadedAt;
    final long l1TtlNanos;
    final int weight;
    final AtomicBoolean refreshing = new AtomicBoolean();

    CacheEntry(Object value, boolean negative, String[] tags, long[] versions, long loadedAt, long l1TtlNanos,
               int weight) {
        // a 404's time is a quarter of the clock's range in the past: never fresh, whatever the coarse clock's lag
        super(value, negative ? loadedAt - (1L << 62) : loadedAt + (long) (REFRESH_AHEAD * l1TtlNanos));
        this.negative = negative;
        this.tags = tags;
        this.versions = versions;
        this.loadedAt = loadedAt;
        this.l1TtlNanos = l1TtlNanos;
        this.weight = weight;
    }
}
