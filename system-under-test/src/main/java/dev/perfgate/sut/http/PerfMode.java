package dev.perfgate.sut.http;

import java.util.Locale;
import dev.perfgate.sut.contract.ApiException;

/**
 * The optimization switch, {@code X-Perf-Mode}: {@code baseline} serves the same response the naive way
 * (N+1 loads, no batching) so the harness can measure what the optimized default buys.
 */
public enum PerfMode {
    OPTIMIZED, BASELINE;

    public static final String HEADER = "X-Perf-Mode";

    /** Parses the header value; absent means optimized. */
    public static PerfMode parse(String value) {
        if (value == null || value.isBlank()) {
            return OPTIMIZED;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "optimized" -> OPTIMIZED;
            case "baseline" -> BASELINE;
            default -> throw ApiException.badRequest(HEADER,
                    HEADER + " was \"" + value + "\", must be baseline or optimized");
        };
    }
}
