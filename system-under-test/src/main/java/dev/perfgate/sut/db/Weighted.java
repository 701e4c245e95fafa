package dev.perfgate.sut.db;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Draws indexes with probability proportional to weights (binary search over the cumulative sum). */
final class Weighted {
    private final double[] cumulative;

    Weighted(double[] weights) {
        cumulative = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            cumulative[i] = sum;
        }
    }

    static Weighted zipf(int n, double exponent) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 1.0 / Math.pow(i + 1, exponent);
        }
        return new Weighted(w);
    }

    int next(SplittableRandom r) {
        double x = r.nextDouble() * cumulative[cumulative.length - 1];
        int i = Arrays.binarySearch(cumulative, x);
        return Math.min(cumulative.length - 1, i >= 0 ? i + 1 : -i - 1);
    }
}
