package dev.perfgate.reports;

import java.util.Map;

/**
 * One request name's results over a run, from exact (HdrHistogram) latencies: every percentile here is a value
 * some request actually took, to the recording's resolution, not an estimate from a digest.
 *
 * @param statementsMean mean SQL statements per answered request ({@code X-Query-Count}), or -1 when unknown
 * @param statementsMax  most SQL statements any answered request ran, or -1 when unknown
 */
public record RequestStats(String name, String tier, long count, long ok, long ko, Map<String, Long> errorsByCause,
                           double minMs, double p50Ms, double p75Ms, double p95Ms, double p99Ms, double p999Ms,
                           double maxMs, double meanMs, double throughputPerSecond, double statementsMean,
                           long statementsMax) {

    /** Returns the share of failed requests in percent. */
    public double errorPercent() {
        return count == 0 ? 0 : 100.0 * ko / count;
    }
}
