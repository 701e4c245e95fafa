package dev.perfgate.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class QuantilesTest {

    @Test
    void samplesNeeded_p99AndP95() {
        assertThat(Quantiles.samplesNeeded(0.99, 0.95)).isEqualTo(368);
        assertThat(Quantiles.samplesNeeded(0.95, 0.95)).isEqualTo(72);
        // the same rule as the ranks: one sample fewer and the upper bound would be beyond the largest sample
        assertThat(Quantiles.ranks(368, 0.99, 0.95)[1]).isLessThanOrEqualTo(368);
        assertThat(Quantiles.ranks(367, 0.99, 0.95)[1]).isEqualTo(368);
    }

    @Test
    void ranks_p99Of60Samples_cannotBeBounded() {
        long[] r = Quantiles.ranks(60, 0.99, 0.95);
        assertThat(r[1]).isEqualTo(61); // beyond the 60th sample: the p99 is reported, never enforced
    }

    @Test
    void ranks_matchTheBinomialTables() {
        // median of 100 samples at 95 %: the 40th and 61st order statistics (the classic sign-test table)
        assertThat(Quantiles.ranks(100, 0.5, 0.95)).containsExactly(40, 61);
        // p95 of 1000 samples: about 950 +- 1.96 * sqrt(1000 * .95 * .05) = 950 +- 13.5
        long[] r = Quantiles.ranks(1000, 0.95, 0.95);
        assertThat(r[0]).isBetween(935L, 938L);
        assertThat(r[1]).isBetween(963L, 966L);
    }

    @Test
    void interval_ofAHistogram_containsTheTruePercentile() {
        Histogram h = new Histogram(3_600_000, 3);
        for (int v = 1; v <= 1000; v++) {
            h.recordValue(v);
        }
        Quantiles.Interval i = Quantiles.of(h, 95, 0.95, 1);
        assertThat(i.point()).isEqualTo(950);
        assertThat(i.low()).isBetween(930.0, 950.0);
        assertThat(i.high()).isBetween(950.0, 970.0);
        assertThat(i.estimable()).isTrue();
        assertThat(Quantiles.decode(Quantiles.encode(h))).isEqualTo(h);
    }

    /** Two runs of one unchanged service: random samples of the same distribution, compared 200 times. */
    @Test
    void gate_onResampledRunsOfTheSameDistribution_raisesNoAlarm_butCatchesA50msShift() {
        SplittableRandom random = new SplittableRandom(7);
        Tolerance t = Tolerance.DEFAULT;
        int alarms = 0;
        int caught = 0;
        for (int trial = 0; trial < 200; trial++) {
            RequestStats base = sample("guests", random, 400, 0);
            RequestStats same = sample("guests", random, 400, 0);
            RequestStats slow = sample("guests", random, 400, 50);
            alarms += RegressionGate.latency("guests", base, same, t).stream().filter(Check::failed).count() > 0 ? 1 : 0;
            caught += RegressionGate.latency("guests", base, slow, t).stream().anyMatch(Check::failed) ? 1 : 0;
        }
        assertThat(alarms).isZero();
        assertThat(caught).isEqualTo(200);
    }

    /** A skewed latency distribution (lognormal around 8 ms with a long tail), plus a fixed delay. */
    static RequestStats sample(String name, SplittableRandom random, int n, long addMs) {
        Histogram h = new Histogram(3_600_000, 3);
        for (int i = 0; i < n; i++) {
            double g = random.nextGaussian();
            h.recordValue(Math.round(Math.exp(2.0 + 0.6 * g)) + addMs);
        }
        return new RequestStats(name, "standard", n, n, 0, Map.of(), h.getMinValue(), h.getValueAtPercentile(50),
                h.getValueAtPercentile(75), h.getValueAtPercentile(95), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue(), h.getMean(), n / 60.0, 1, 1, Quantiles.encode(h), null, 0);
    }

    @Test
    void confirmation_timingFailsOnlyTwice_deterministicAtOnce_invalidIsNoRegression() {
        Check p95Fail = new Check("regression", "a", "p95Ms", 10, 40, Check.Verdict.FAIL, "r");
        Check p95Pass = new Check("regression", "a", "p95Ms", 10, 11, Check.Verdict.PASS, "r");
        Check sqlFail = new Check("regression", "b", "statementsMax", 1, 2, Check.Verdict.FAIL, "r");
        Check sqlPass = new Check("regression", "b", "statementsMax", 1, 1, Check.Verdict.PASS, "r");
        assertThat(Confirmation.needsConfirmation(List.of(p95Pass, sqlFail))).isFalse();
        assertThat(Confirmation.needsConfirmation(List.of(p95Fail, sqlPass))).isTrue();
        // failed again: confirmed
        assertThat(Confirmation.outcome(Confirmation.combine(List.of(p95Fail), List.of(p95Fail))))
                .isEqualTo(Confirmation.Outcome.FAIL);
        // passed the second time: not confirmed; a deterministic failure of the first run stands
        List<Check> combined = Confirmation.combine(List.of(p95Fail, sqlFail), List.of(p95Pass, sqlPass));
        assertThat(combined).filteredOn(Check::failed).extracting(Check::subject).containsExactly("b");
        assertThat(combined).filteredOn(c -> c.subject().equals("a")).singleElement()
                .satisfies(c -> assertThat(c.rule()).contains("not confirmed"));
        // a stalled load generator voids timing failures, not statement counts
        RunValidity stalled = new RunValidity(false, List.of("stalled"), 2, 1000, 1, 50, 3, 0, 40, 90, -1, 12, List.of());
        List<Check> voided = Confirmation.applyValidity(List.of(p95Fail, sqlPass), stalled);
        assertThat(voided).extracting(Check::verdict).containsExactly(Check.Verdict.INVALID, Check.Verdict.PASS);
        assertThat(Confirmation.outcome(voided)).isEqualTo(Confirmation.Outcome.INVALID);
        // voided, then failed in a valid run: confirmed
        assertThat(Confirmation.outcome(Confirmation.combine(voided, List.of(p95Fail, sqlPass))))
                .isEqualTo(Confirmation.Outcome.FAIL);
    }

    @Test
    void calibration_ofUnchangedRuns_countsNoFalseAlarm_andStatesSensitivity() {
        SplittableRandom random = new SplittableRandom(11);
        List<RunResult> runs = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            runs.add(new RunResult("PeakDaySimulation", "ci", "http://127.0.0.1:1", java.time.Instant.EPOCH, 60,
                    RunEnvironment.capture("ci"), List.of(sample("guests", random, 500, 0), sample("health", random, 60, 0)),
                    List.of(), ServerFigures.NONE, null));
        }
        Calibration.Result r = Calibration.calibrate(runs, Tolerance.DEFAULT);
        assertThat(r.comparisons()).isEqualTo(12);
        assertThat(r.falseAlarms()).isZero();
        assertThat(r.byKind()).containsKeys("regression p95Ms", "regression p99Ms", "regression statementsMax");
        assertThat(r.sensitivity().get("PeakDaySimulation / guests")).isBetween(10.0, 40.0); // ms: the 15 ms floor and the interval widths
        // 60 samples cannot bound a p95 (72 needed), but they bound the median: a slower probe is still caught
        assertThat(r.sensitivity().get("PeakDaySimulation / health")).isNotNaN();
        assertThat(Calibration.markdown(r)).contains("| regression p95Ms |");
    }
}
