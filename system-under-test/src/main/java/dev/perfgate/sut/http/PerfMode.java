package dev.perfgate.sut.http;

import java.util.Locale;
import dev.perfgate.sut.contract.ApiException;

/**
 * The optimization switch, {@code X-Perf-Mode}: {@code naive} serves the same response the naive way (N+1 loads, no
 * cache, per-row updates, offset paging) so the harness can measure what the optimized default buys.
 *
 * <p>The value was called {@code baseline} until perfgate gave that word one meaning across the project — the
 * results a run is compared with. The old value is refused with a 400 that names the new one rather than accepted
 * silently: a client sending it would otherwise be measuring a mode whose name no longer appears in the docs.
 */
public enum PerfMode {
    OPTIMIZED, NAIVE;

    public static final String HEADER = "X-Perf-Mode";

    /** Parses the header value; absent means optimized. */
    public static PerfMode parse(String value) {
        if (value == null || value.isBlank()) {
            return OPTIMIZED;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "optimized" -> OPTIMIZED;
            case "naive" -> NAIVE;
            case "baseline" -> throw ApiException.badRequest(HEADER, HEADER
                    + " was \"baseline\", which is now called naive: send naive (or optimized)");
            default -> throw ApiException.badRequest(HEADER,
                    HEADER + " was \"" + value + "\", must be naive or optimized");
        };
    }
}
