package dev.perfgate.sut.cache;

/**
 * The fields of a {@link CacheEntry} that the L1 hit path reads, in a superclass of their own so that the JVM lays
 * them out first, in the entry's first cache line (the reason is on {@link CacheEntry}).
 */
abstract sealed class EntryHead permits CacheEntry {
    final Object value;
    /**
     * The coarse clock's time until which a hit may serve this entry without more checks than its tags': when
     * its refresh ahead is due (from then on, a read reloads it), and already past for a 404 (which the slow
     * path throws again). Compared as {@code now - freshUntil < 0}, as nanosecond times are.
     */
    final long freshUntil;
    /** The tag epoch at which this entry's tag versions were last found current (see {@link TagVersions#valid}). */
    volatile long checkedAtEpoch = -1;

    EntryHead(Object value, long freshUntil) {
        this.value = value;
        this.freshUntil = freshUntil;
    }
}
