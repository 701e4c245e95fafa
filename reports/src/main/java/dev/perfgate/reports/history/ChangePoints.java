package dev.perfgate.reports.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Change points in a series by E-Divisive means (Matteson and James, "A Nonparametric Approach for Multiple Change
 * Point Analysis of Multivariate Data", JASA 2014), the method MongoDB's performance CI (Daly et al., ICPE 2020) and
 * Apache Otava (Hunter) run over their result histories.
 *
 * <p>Why this method: it assumes no distribution (latency percentiles of a shared machine are skewed and heavy
 * tailed; a t-test assumes neither), it looks at the whole series instead of one pair of runs (a drift of five small
 * steps is one large shift between the runs before and after it), and its permutation test gives each change point
 * a significance that does not depend on the series' scale.
 *
 * <p>How: for a segment, every split τ into A (before) and B = [τ, κ) (after, up to any κ) of at least
 * {@code minSize} points each is scored by the energy statistic with α = 1, Q(τ, κ) = mn/(m+n) · (2/(mn) Σ|a−b| −
 * 1/C(m,2) Σ|a−a'| − 1/C(n,2) Σ|b−b'|), the largest wins; its significance is the share of {@code permutations} random orderings of the segment
 * whose best split scores as high (plus one, over permutations plus one). A significant split is kept and both sides
 * are searched again (the segment with the highest Q first), until no split is significant. Sums of distances are
 * tabled point by point, so a segment of n points costs O(n²) per ordering, and the test stops as soon as it can
 * no longer be significant (a segment without a change usually does within a few orderings). The shuffles are
 * seeded: the same series always gives the same change points.
 */
public final class ChangePoints {
    private ChangePoints() {
    }

    /**
     * @param minSize      fewest points on each side of a split
     * @param permutations orderings tried for the significance test
     * @param pValue       largest p-value a split is kept at
     */
    public record Settings(int minSize, int permutations, double pValue) {
        public static final Settings DEFAULT = new Settings(3, 1999, 0.001);

        public Settings {
            if (minSize < 2) {
                throw new IllegalArgumentException("minSize was " + minSize + ", must be 2 or more (a side of one"
                        + " point has no distances within it)");
            }
        }
    }

    /** A change point: the first index of the new level, and the significance of the split that found it. */
    public record ChangePoint(int index, double q, double p) {
    }

    /** Returns the change points of a series, by index, in order. */
    public static List<ChangePoint> detect(double[] series, Settings settings, long seed) {
        List<ChangePoint> found = new ArrayList<>();
        List<int[]> segments = new ArrayList<>();
        segments.add(new int[] {0, series.length});
        SplittableRandom random = new SplittableRandom(seed);
        while (true) {
            int[] best = null;
            Split bestSplit = null;
            for (int[] seg : segments) {
                Split s = bestSplit(series, seg[0], seg[1], settings.minSize());
                if (s != null && (bestSplit == null || s.q > bestSplit.q)) {
                    best = seg;
                    bestSplit = s;
                }
            }
            if (bestSplit == null) {
                break;
            }
            double p = significance(series, best[0], best[1], bestSplit.q, settings, random);
            if (p > settings.pValue()) {
                break;
            }
            found.add(new ChangePoint(bestSplit.tau, bestSplit.q, p));
            segments.remove(best);
            segments.add(new int[] {best[0], bestSplit.tau});
            segments.add(new int[] {bestSplit.tau, best[1]});
        }
        found.sort(Comparator.comparingInt(ChangePoint::index));
        return found;
    }

    private record Split(int tau, double q) {
    }

    /**
     * The split of x[from, to) with the highest Q, or null when the segment is too short to split. As Matteson and
     * James do, the side after τ is x[τ, κ) for the best κ, not always the rest of the segment: a level that comes
     * and goes (up, then back) would otherwise mix into the side after it and hide.
     */
    static Split bestSplit(double[] x, int from, int to, int minSize) {
        int n = to - from;
        if (n < 2 * minSize) {
            return null;
        }
        // w[i][j]: the sum of |x_a - x_b| over pairs within x[from+i, from+j), built a column at a time in O(n²)
        double[][] w = new double[n + 1][n + 1];
        for (int j = 1; j < n; j++) {
            double v = x[from + j];
            double d = 0; // sum of |v - x_i| for i in [i, j)
            for (int i = j - 1; i >= 0; i--) {
                d += Math.abs(v - x[from + i]);
                w[i][j + 1] = w[i][j] + d;
            }
        }
        Split best = null;
        for (int t = minSize; t <= n - minSize; t++) {
            double withinA = w[0][t];
            double pairsA = t * (t - 1) / 2.0;
            for (int k = t + minSize; k <= n; k++) {
                int m = k - t;
                double withinB = w[t][k];
                double between = w[0][k] - withinA - withinB;
                double e = 2.0 * between / ((double) t * m) - withinA / pairsA - withinB / (m * (m - 1) / 2.0);
                double q = (double) t * m / (t + m) * e;
                if (best == null || q > best.q) {
                    best = new Split(from + t, q);
                }
            }
        }
        return best;
    }

    private static double significance(double[] x, int from, int to, double q, Settings settings,
                                       SplittableRandom random) {
        double[] copy = new double[to - from];
        int atLeast = 0;
        for (int r = 0; r < settings.permutations(); r++) {
            System.arraycopy(x, from, copy, 0, copy.length);
            for (int i = copy.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                double t = copy[i];
                copy[i] = copy[j];
                copy[j] = t;
            }
            Split s = bestSplit(copy, 0, copy.length, settings.minSize());
            if (s != null && s.q >= q) {
                atLeast++;
                if ((atLeast + 1.0) / (settings.permutations() + 1.0) > settings.pValue()) {
                    break; // can no longer be significant: most segments without a change stop here, early
                }
            }
        }
        return (atLeast + 1.0) / (settings.permutations() + 1.0);
    }
}
