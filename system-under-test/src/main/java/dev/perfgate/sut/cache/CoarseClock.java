package dev.perfgate.sut.cache;

import java.util.concurrent.locks.LockSupport;

/**
 * {@link System#nanoTime()} as of at most about a millisecond ago, read from a volatile field: what the L1 hit path
 * needs for its expiry and refresh-ahead checks, whose lifetimes are seconds. A clock read (tens of nanoseconds on
 * a virtual machine) costs more than the rest of a hit. One daemon thread keeps it current; a reading never goes
 * backwards.
 */
public final class CoarseClock {
    private static final long TICK_NANOS = 1_000_000;
    private static volatile long now = System.nanoTime();

    static {
        Thread ticker = new Thread(() -> {
            while (true) {
                now = System.nanoTime();
                LockSupport.parkNanos(TICK_NANOS);
            }
        }, "perfgate-coarse-clock");
        ticker.setDaemon(true);
        ticker.start();
    }

    private CoarseClock() {
    }

    public static long nanos() {
        return now;
    }
}
