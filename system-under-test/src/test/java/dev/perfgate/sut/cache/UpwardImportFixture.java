package dev.perfgate.sut.cache;

import dev.perfgate.sut.http.PerfMode;

/** A cache class that reads an HTTP type: the upward import {@code LayersTest} must catch. Test code only. */
public final class UpwardImportFixture {
    private UpwardImportFixture() {
    }

    /** Depends on the HTTP layer's perf-mode parser. */
    public static boolean naive(String header) {
        return PerfMode.parse(header) == PerfMode.NAIVE;
    }
}
