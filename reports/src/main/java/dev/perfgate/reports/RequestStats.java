package dev.perfgate.reports;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.HdrHistogram.Histogram;

/**
 * One request name's results over a run, from exact (HdrHistogram) latencies: every percentile here is a value
 * some request actually took, to the recording's resolution, not an estimate from a digest.
 *
 * @param statementsMean  mean SQL statements per answered request ({@code X-Query-Count}), or -1 when unknown
 * @param statementsMax   most SQL statements any answered request ran, or -1 when unknown
 * @param histogram       every judged client latency (ms) as a compressed HdrHistogram ({@link Quantiles#encode}),
 *                        or null in results written before histograms were kept
 * @param server          the service's own time for the same responses ({@code Server-Timing}), or null when the
 *                        service sends none
 * @param injectorStalled answers excluded from the figures because they were in flight while the load generator
 *                        itself was stalled (see {@link RunValidity})
 */
public record RequestStats(String name, String tier, long count, long ok, long ko, Map<String, Long> errorsByCause,
                           double minMs, double p50Ms, double p75Ms, double p95Ms, double p99Ms, double p999Ms,
                           double maxMs, double meanMs, double throughputPerSecond, double statementsMean,
                           long statementsMax, String histogram, ServerTime server, long injectorStalled) {

    /** Results without a histogram, server time or stalls (tests, and results of other tools). */
    public RequestStats(String name, String tier, long count, long ok, long ko, Map<String, Long> errorsByCause,
                        double minMs, double p50Ms, double p75Ms, double p95Ms, double p99Ms, double p999Ms,
                        double maxMs, double meanMs, double throughputPerSecond, double statementsMean,
                        long statementsMax) {
        this(name, tier, count, ok, ko, errorsByCause, minMs, p50Ms, p75Ms, p95Ms, p99Ms, p999Ms, maxMs, meanMs,
                throughputPerSecond, statementsMean, statementsMax, null, null, 0);
    }

    /**
     * The service's time for a request name's responses, at microsecond resolution, and the gap between what the
     * load generator measured and what the service spent (network, queues and the load generator's own delays).
     *
     * @param count     responses that carried a server time
     * @param histogram server time in microseconds, compressed ({@link Quantiles#encode})
     */
    public record ServerTime(long count, double p50Ms, double p95Ms, double p99Ms, double maxMs, double gapP50Ms,
                             double gapP99Ms, double gapMaxMs, String histogram) {
    }

    /** Returns the share of failed requests in percent. */
    public double errorPercent() {
        return count == 0 ? 0 : 100.0 * ko / count;
    }

    /** Returns the decoded client latency histogram (ms), or null. */
    @JsonIgnore
    public Histogram latencyHistogram() {
        return Quantiles.decode(histogram);
    }
}
