package dev.perfgate.reports;

/**
 * How much worse a run may be before it is called a regression. A percentile fails only when this run's confidence
 * interval of it ({@link Quantiles}) lies above the baseline's upper bound by the ratio <em>and</em> by the absolute
 * floor: the ratio ignores small relative noise on slow requests, the floor ignores large relative noise on fast ones
 * (2 ms to 4 ms is +100 % and means nothing on a shared 2-core machine), and the intervals ignore what the sample
 * counts cannot tell apart.
 *
 * @param latencyRatio         current / baseline above which a percentile may be a regression, e.g. 1.5
 * @param latencyFloorMs       absolute increase of client latency in ms below which it is not, e.g. 15
 * @param errorPointsMax       increase of the error rate in percentage points that fails, e.g. 0.5
 * @param throughputRatio      current / baseline below which throughput is a regression, e.g. 0.8
 * @param minSamples           requests below which throughput is too noisy to enforce, and below which a request
 *                             missing from a run may be missing by chance
 * @param confidence           two-sided confidence of the percentile intervals, e.g. 0.95; a percentile whose
 *                             interval the samples cannot bound is reported and not enforced (a p99 needs 367
 *                             samples at 0.95, a p95 72)
 * @param serverFloorMs        absolute increase of the service's own time (Server-Timing) below which it is not a
 *                             regression, e.g. 1
 * @param serverBelowMs        baseline client p95 under which a request is judged on the service's own time
 *                             instead (client timestamps are whole milliseconds), e.g. 5
 */
public record Tolerance(double latencyRatio, double latencyFloorMs, double errorPointsMax, double throughputRatio,
                        int minSamples, double confidence, double serverFloorMs, double serverBelowMs) {

    /** The defaults of budgets.yaml (see docs/gate.md, "How the gate decides"). */
    public static final Tolerance DEFAULT = new Tolerance(1.5, 15, 0.5, 0.8, 40, 0.95, 1, 5);

    public Tolerance {
        require(latencyRatio >= 1.0, "latencyRatio", latencyRatio, "must be at least 1.0");
        require(latencyFloorMs >= 0, "latencyFloorMs", latencyFloorMs, "must not be negative");
        require(errorPointsMax >= 0, "errorPointsMax", errorPointsMax, "must not be negative");
        require(minSamples >= 1, "minSamples", minSamples, "must be at least 1");
        require(throughputRatio > 0 && throughputRatio <= 1, "throughputRatio", throughputRatio, "must be in (0, 1]");
        require(confidence >= 0.5 && confidence < 1, "confidence", confidence, "must be in [0.5, 1)");
        require(serverFloorMs >= 0, "serverFloorMs", serverFloorMs, "must not be negative");
        require(serverBelowMs >= 0, "serverBelowMs", serverBelowMs, "must not be negative");
    }

    /** The first five settings with the defaults for the rest. */
    public Tolerance(double latencyRatio, double latencyFloorMs, double errorPointsMax, double throughputRatio,
                     int minSamples) {
        this(latencyRatio, latencyFloorMs, errorPointsMax, throughputRatio, minSamples, DEFAULT.confidence(),
                DEFAULT.serverFloorMs(), DEFAULT.serverBelowMs());
    }

    private static void require(boolean ok, String key, double value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(key + " was " + (value == Math.rint(value) ? Long.toString((long) value)
                    : Double.toString(value)) + ", " + rule);
        }
    }

    /** Returns the verdict for a throughput check: FAIL becomes WARN when either side has fewer than minSamples. */
    public Check.Verdict timing(boolean worse, long... counts) {
        for (long c : counts) {
            if (c < minSamples) {
                return worse ? Check.Verdict.WARN : Check.Verdict.PASS;
            }
        }
        return worse ? Check.Verdict.FAIL : Check.Verdict.PASS;
    }

    /**
     * Returns whether a request is judged on the service's own time (Server-Timing) rather than the client's: when
     * its baseline client p95 is under {@code serverBelowMs} and both runs carry server time, since whole-millisecond
     * client timestamps cannot tell an L1-cached answer from one twice as slow.
     */
    public boolean judgedOnServer(RequestStats before, RequestStats now) {
        return before.p95Ms() < serverBelowMs && before.server() != null && now.server() != null;
    }

    /** Returns the interval of a percentile of a request on the side the gate judges it (ms). */
    public Quantiles.Interval interval(RequestStats r, double percentile, boolean server) {
        return server ? Quantiles.serverMs(r, percentile, confidence) : Quantiles.clientMs(r, percentile, confidence);
    }

    /** Returns the absolute floor of a latency regression on that side (ms). */
    public double floorMs(boolean server) {
        return server ? serverFloorMs : latencyFloorMs;
    }

    /**
     * Returns the throughput check of a request: a count of requests in a run is Poisson-like (a request on a rare
     * branch of a journey is sent 38 times in one run and 49 in the next), so it fails only when this run's rate is
     * below the baseline's by the ratio even at the favourable ends of both rates' intervals (count ± z·√count at
     * the confidence), and never under minSamples requests on either side.
     */
    public Check throughput(String subject, RequestStats before, RequestStats now) {
        double z = zScore();
        double baseLow = before.throughputPerSecond() * Math.max(0, 1 - z / Math.sqrt(Math.max(1, before.count())));
        double nowHigh = now.throughputPerSecond() * (1 + z / Math.sqrt(Math.max(1, now.count())));
        boolean worse = nowHigh < baseLow * throughputRatio;
        boolean looksWorse = now.throughputPerSecond() < before.throughputPerSecond() * throughputRatio;
        Check.Verdict verdict = worse ? timing(true, before.count(), now.count())
                : looksWorse ? Check.Verdict.WARN : Check.Verdict.PASS; // lower, but within the counts' noise
        return new Check("regression", subject, "throughputPerSecond", before.throughputPerSecond(),
                now.throughputPerSecond(), verdict, String.format(
                        "fails when the run's rate, at most %s/s, is below the baseline's, at least %s/s, x %s",
                        Check.format(nowHigh), Check.format(baseLow), Check.format(throughputRatio)));
    }

    /** Returns the two-sided standard normal quantile of the confidence (1.96 at 0.95). */
    double zScore() {
        // bisection on the normal CDF: exact enough, and only computed per check
        double target = 1 - (1 - confidence) / 2;
        double lo = 0;
        double hi = 8;
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (normalCdf(mid) < target) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    private static double normalCdf(double x) {
        // Zelen & Severo (Abramowitz-Stegun 26.2.17), absolute error below 7.5e-8
        double t = 1 / (1 + 0.2316419 * x);
        double poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
        return 1 - Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI) * poly;
    }

    /**
     * Returns the check of one percentile of this run against the baseline's: FAIL only when both intervals are
     * estimable and this run's lower bound exceeds the baseline's upper bound by the ratio and the floor; WARN when
     * the point estimates say worse but the samples cannot support a verdict.
     */
    public Check percentile(String subject, String metric, double percentile, Quantiles.Interval before,
                            Quantiles.Interval now, double floorMs) {
        String rule;
        Check.Verdict verdict;
        boolean pointWorse = now.point() > before.point() * latencyRatio && now.point() - before.point() > floorMs;
        if (!before.estimable() || !now.estimable()) {
            long needed = Quantiles.samplesNeeded(percentile / 100, confidence);
            rule = String.format("not enforced: a p%s needs %d samples (baseline %d, run %d)",
                    Check.format(percentile), needed, before.samples(), now.samples());
            verdict = pointWorse ? Check.Verdict.WARN : Check.Verdict.PASS;
        } else {
            boolean worse = now.low() > before.high() * latencyRatio && now.low() - before.high() > floorMs;
            rule = String.format("run's %s %% interval %s..%s; fails when its low end is above the baseline's high"
                            + " end %s x %s and + %s ms", Check.format(confidence * 100), Check.format(now.low()),
                    Check.format(now.high()), Check.format(before.high()), Check.format(latencyRatio),
                    Check.format(floorMs));
            verdict = worse ? Check.Verdict.FAIL : Check.Verdict.PASS;
        }
        return new Check("regression", subject, metric, before.point(), now.point(), verdict, rule);
    }
}
