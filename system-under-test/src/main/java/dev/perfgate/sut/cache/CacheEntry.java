package dev.perfgate.sut.cache;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A value as one node's L1 holds it: what was loaded (or the 404 remembered for it), the tags and the versions
 * they had when it was loaded, when it was loaded and how long L1 may serve it.
 */
final class CacheEntry {
    /** The value of a negative entry: the loader's 404, kept to be thrown again on hits (its JSON tree once in L2). */
    record NotFound(String message, String field) {
        static NotFound of(com.fasterxml.jackson.databind.JsonNode stored) {
            return new NotFound(stored.path("message").asText(),
                    stored.path("field").isTextual() ? stored.path("field").asText() : null);
        }
    }

    /** The part of an entry's L1 lifetime after which a read reloads it in the background (refresh ahead). */
    private static final double REFRESH_AHEAD = 0.8;

    final Object value;
    final boolean negative;
    final String[] tags;
    final long[] versions;
    final long loadedAt;
    final long l1TtlNanos;
    /**
     * The age under which a hit may serve this entry without more checks than its tags': before the refresh ahead
     * is due (from this age on, a read reloads it), and never for a 404 (which the slow path throws again).
     */
    final long freshNanos;
    final int weight;
    final AtomicBoolean refreshing = new AtomicBoolean();
    /** The tag epoch at which this entry's tag versions were last found current (see {@link TagVersions#valid}). */
    volatile long checkedAtEpoch = -1;

    CacheEntry(Object value, boolean negative, String[] tags, long[] versions, long loadedAt, long l1TtlNanos,
               int weight) {
        this.value = value;
        this.negative = negative;
        this.tags = tags;
        this.versions = versions;
        this.loadedAt = loadedAt;
        this.l1TtlNanos = l1TtlNanos;
        this.freshNanos = negative ? Long.MIN_VALUE : (long) (REFRESH_AHEAD * l1TtlNanos);
        this.weight = weight;
    }
}
