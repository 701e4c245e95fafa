package dev.perfgate.sut.cache;

/** A cache class that keeps request state in a thread-local: what {@code LayersTest} must catch. Test code only. */
public final class ThreadLocalFixture {
    /** The level the last read on this thread came from, the way the cache once reported it. */
    static final ThreadLocal<String> LAST_LEVEL = new ThreadLocal<>();

    private ThreadLocalFixture() {
    }
}
