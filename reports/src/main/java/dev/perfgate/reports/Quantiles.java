package dev.perfgate.reports;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The one rule for judging a percentile: a distribution-free confidence interval from order statistics. With n
 * samples, the number of samples below the true p-quantile is Binomial(n, p), so the k-th smallest sample is a
 * lower bound and the m-th an upper bound of that quantile with a probability read off the binomial distribution —
 * whatever the shape of the latency distribution. A percentile whose upper bound would need a sample beyond the
 * largest one (a p99 of 60 samples: the chance that all 60 lie below the true p99 is 55 %) cannot be estimated from
 * the run: it is reported and never enforced, for budgets and regressions alike.
 *
 * <p>Also the encoding of the exact histograms that results.json carries (HdrHistogram's compressed form, base64),
 * so that a baseline's intervals are computed from its samples, not from its printed percentiles.
 */
public final class Quantiles {
    private Quantiles() {
    }

    /**
     * A confidence interval of a percentile, with the point estimate.
     *
     * @param low       a value the percentile is at least (with the confidence), 0 when no sample is low enough
     * @param point     the percentile of the samples (HdrHistogram's value at that percentile)
     * @param high      a value the percentile is at most, or NaN when the samples cannot bound it
     * @param samples   how many samples the interval was computed from
     */
    public record Interval(double low, double point, double high, long samples) {
        /** Returns whether the samples bound the percentile from above, so that it may be enforced. */
        public boolean estimable() {
            return !Double.isNaN(high);
        }
    }

    /**
     * Returns the 1-based ranks {lower, upper} of the order statistics bounding the p-quantile (0 &lt; p &lt; 1) of n
     * samples with the given two-sided confidence; lower is 0 when no sample bounds it from below, upper is n + 1
     * when none bounds it from above.
     */
    public static long[] ranks(long n, double p, double confidence) {
        if (!(p > 0 && p < 1) || !(confidence > 0 && confidence < 1) || n < 0) {
            throw new IllegalArgumentException("p was " + p + " and confidence " + confidence
                    + ", both must be in (0, 1); n was " + n + ", must not be negative");
        }
        double tail = (1 - confidence) / 2;
        // walk the binomial CDF in log space (no underflow of (1-p)^n for large n); B = samples below the quantile
        double logRatio = Math.log(p) - Math.log1p(-p);
        double logPmf = n * Math.log1p(-p); // P(B = 0)
        double cdf = 0;
        long lower = 0;
        long upper = n + 1;
        for (long k = 0; k <= n; k++) {
            cdf += Math.exp(logPmf); // P(B <= k)
            // X(k+1) > q  <=>  B <= k: the (k+1)-th sample is a lower bound while that is at most the tail
            if (cdf <= tail) {
                lower = k + 1;
            }
            // X(k+1) >= q  <=>  B <= k: the first rank where that is at least 1 - tail is the upper bound
            if (cdf >= 1 - tail) {
                upper = k + 1;
                break;
            }
            logPmf += Math.log((double) (n - k) / (k + 1)) + logRatio;
        }
        return new long[] {lower, upper};
    }

    /** Returns the fewest samples for which the p-quantile can be bounded from above with this confidence. */
    public static long samplesNeeded(double p, double confidence) {
        // all n samples below the quantile has probability p^n; the upper bound exists once that is within the tail
        return (long) Math.ceil(Math.log((1 - confidence) / 2) / Math.log(p));
    }

    /** Returns the interval of a percentile (0..100) of an exact histogram, in the histogram's unit times scale. */
    public static Interval of(Histogram h, double percentile, double confidence, double scale) {
        long n = h.getTotalCount();
        if (n == 0) {
            return new Interval(0, 0, Double.NaN, 0);
        }
        long[] r = ranks(n, percentile / 100, confidence);
        double low = r[0] < 1 ? 0 : valueAtRank(h, r[0]) * scale;
        double high = r[1] > n ? Double.NaN : valueAtRank(h, r[1]) * scale;
        return new Interval(low, h.getValueAtPercentile(percentile) * scale, high, n);
    }

    /**
     * Returns the interval of a percentile of a request's client latency (ms): from its histogram when the result
     * carries one; results without one (written before histograms were kept) get a degenerate interval at the
     * printed value, still subject to the same sample-count rule.
     */
    public static Interval clientMs(RequestStats r, double percentile, double confidence) {
        Histogram h = r.latencyHistogram();
        if (h != null) {
            return of(h, percentile, confidence, 1);
        }
        double point = percentile >= 99 ? r.p99Ms() : percentile >= 95 ? r.p95Ms() : r.p50Ms();
        boolean estimable = r.count() >= samplesNeeded(percentile / 100, confidence);
        return new Interval(point, point, estimable ? point : Double.NaN, r.count());
    }

    /** Returns the interval of a percentile of a request's server time (ms), or null when the service sent none. */
    public static Interval serverMs(RequestStats r, double percentile, double confidence) {
        Histogram h = r.server() == null ? null : decode(r.server().histogram());
        return h == null ? null : of(h, percentile, confidence, 0.001);
    }

    /** Returns the k-th smallest recorded value (1-based), at the histogram's resolution. */
    static long valueAtRank(Histogram h, long rank) {
        long seen = 0;
        for (HistogramIterationValue v : h.recordedValues()) {
            seen += v.getCountAtValueIteratedTo();
            if (seen >= rank) {
                return h.highestEquivalentValue(v.getValueIteratedTo());
            }
        }
        return h.getMaxValue();
    }

    /** Returns a histogram as compressed base64 (HdrHistogram's own encoding, readable by its other ports). */
    public static String encode(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer, 9);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }

    /** Decodes {@link #encode}'s form; null stays null. */
    public static Histogram decode(String base64) {
        if (base64 == null || base64.isEmpty()) {
            return null;
        }
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new IllegalArgumentException("histogram is not a compressed HdrHistogram: " + e.getMessage(), e);
        }
    }
}
