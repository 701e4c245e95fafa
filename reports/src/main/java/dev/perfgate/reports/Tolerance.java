package dev.perfgate.reports;

/**
 * How much worse a latency may get before it is called a regression. A check fails only when the current value
 * exceeds the baseline by the ratio <em>and</em> by the absolute floor: the ratio ignores small relative noise on
 * slow requests, the floor ignores large relative noise on fast ones (2 ms to 4 ms is +100 % and means nothing on
 * a shared 2-core machine).
 *
 * @param latencyRatio     current / baseline above which p95 and p99 may be regressions, e.g. 1.5
 * @param latencyFloorMs   absolute increase in ms below which they are not, e.g. 15
 * @param errorPointsMax   increase of the error rate in percentage points that fails, e.g. 0.5
 * @param throughputRatio  current / baseline below which throughput is a regression, e.g. 0.8
 * @param minSamples       requests below which a p95 and throughput are too noisy to enforce (40 leaves two
 *                         observations above the p95); a p99 needs five times as many, for the same two above it.
 *                         Checks below the count are reported as WARN; errors and SQL statements are enforced at
 *                         any count
 */
public record Tolerance(double latencyRatio, double latencyFloorMs, double errorPointsMax, double throughputRatio,
                        int minSamples) {

    public Tolerance {
        if (!(latencyRatio >= 1.0)) {
            throw new IllegalArgumentException("latencyRatio was " + latencyRatio + ", must be at least 1.0");
        }
        if (!(latencyFloorMs >= 0)) {
            throw new IllegalArgumentException("latencyFloorMs was " + latencyFloorMs + ", must not be negative");
        }
        if (!(errorPointsMax >= 0)) {
            throw new IllegalArgumentException("errorPointsMax was " + errorPointsMax + ", must not be negative");
        }
        if (minSamples < 1) {
            throw new IllegalArgumentException("minSamples was " + minSamples + ", must be at least 1");
        }
        if (!(throughputRatio > 0 && throughputRatio <= 1)) {
            throw new IllegalArgumentException("throughputRatio was " + throughputRatio + ", must be in (0, 1]");
        }
    }

    /** Returns the verdict for a p95 or throughput check: FAIL becomes WARN when either side has too few samples. */
    public Check.Verdict timing(boolean worse, long... counts) {
        return timing(worse, 95, counts);
    }

    /**
     * Returns the verdict for a check of a percentile: FAIL becomes WARN unless both runs have enough samples for
     * as many observations above that percentile as {@code minSamples} leaves above the p95.
     */
    public Check.Verdict timing(boolean worse, double percentile, long... counts) {
        long needed = (long) Math.ceil(minSamples * 5.0 / (100 - percentile));
        for (long c : counts) {
            if (c < needed) {
                return worse ? Check.Verdict.WARN : Check.Verdict.PASS;
            }
        }
        return worse ? Check.Verdict.FAIL : Check.Verdict.PASS;
    }
}
