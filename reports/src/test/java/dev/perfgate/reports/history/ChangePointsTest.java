package dev.perfgate.reports.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** E-Divisive means on series with known change points, and on A/A noise that has none. */
class ChangePointsTest {

    /** A level with multiplicative noise of the given relative standard deviation (latency-like, skewed up). */
    static double[] noise(SplittableRandom r, int n, double level, double cv) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = level * Math.exp(cv * gaussian(r));
        }
        return out;
    }

    static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    static double[] concat(double[]... parts) {
        int n = 0;
        for (double[] p : parts) {
            n += p.length;
        }
        double[] out = new double[n];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void oneStep_isFoundAtTheRunItStarted() {
        SplittableRandom r = new SplittableRandom(1);
        double[] s = concat(noise(r, 25, 100, 0.05), noise(r, 10, 130, 0.05));
        List<ChangePoints.ChangePoint> found = ChangePoints.detect(s, ChangePoints.Settings.DEFAULT, 7);
        assertThat(found).extracting(ChangePoints.ChangePoint::index).containsExactly(25);
        assertThat(found.getFirst().p()).isLessThanOrEqualTo(0.001);
    }

    @Test
    void twoSteps_upThenBack_areBothFound() {
        SplittableRandom r = new SplittableRandom(2);
        double[] s = concat(noise(r, 20, 50, 0.04), noise(r, 15, 80, 0.04), noise(r, 20, 50, 0.04));
        assertThat(ChangePoints.detect(s, ChangePoints.Settings.DEFAULT, 7)).as(java.util.Arrays.toString(s))
                .extracting(ChangePoints.ChangePoint::index).containsExactly(20, 35);
    }

    @Test
    void aaNoise_hasNoChangePoint_in200Series() {
        SplittableRandom r = new SplittableRandom(3);
        int found = 0;
        for (int i = 0; i < 200; i++) {
            found += ChangePoints.detect(noise(r, 30, 100, 0.10), ChangePoints.Settings.DEFAULT, i).size();
        }
        // p <= 0.001 per test: one of 1,000 noise series is expected to show one
        assertThat(found).isLessThanOrEqualTo(2);
    }

    @Test
    void theSameSeries_givesTheSameAnswer() {
        double[] s = concat(noise(new SplittableRandom(4), 20, 10, 0.2), noise(new SplittableRandom(5), 8, 14, 0.2));
        assertThat(ChangePoints.detect(s, ChangePoints.Settings.DEFAULT, 42))
                .isEqualTo(ChangePoints.detect(s, ChangePoints.Settings.DEFAULT, 42));
    }

    @Test
    void tooShortOrFlat_hasNone_andASideOfOnePointIsRefused() {
        assertThat(ChangePoints.detect(new double[] {1, 2, 3, 4, 5}, ChangePoints.Settings.DEFAULT, 1)).isEmpty();
        assertThat(ChangePoints.detect(new double[20], ChangePoints.Settings.DEFAULT, 1)).isEmpty();
        assertThatThrownBy(() -> new ChangePoints.Settings(1, 99, 0.01)).hasMessageContaining("minSize was 1");
    }
}
