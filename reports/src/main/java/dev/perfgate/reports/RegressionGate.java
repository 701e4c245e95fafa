package dev.perfgate.reports;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares a run with its baseline, request name by request name: p95 and p99 with the noise-aware
 * {@link Tolerance}, error rate and throughput with their own allowances, and the SQL statements per request
 * exactly — those do not depend on timing, so one statement more on a route is a regression on any machine.
 */
public final class RegressionGate {
    private RegressionGate() {
    }

    /** Returns one check per compared metric; a request name absent from the baseline gets NEW checks. */
    public static List<Check> compare(RunResult baseline, RunResult current, Tolerance t) {
        List<Check> checks = new ArrayList<>();
        for (RequestStats now : current.requests()) {
            RequestStats before = baseline == null ? null : baseline.request(now.name());
            if (before == null) {
                checks.add(new Check("regression", now.name(), "p95Ms", Double.NaN, now.p95Ms(), Check.Verdict.NEW,
                        "no baseline for this request yet"));
                continue;
            }
            checks.add(latency(now.name(), "p95Ms", 95, before.p95Ms(), now.p95Ms(), t, before.count(), now.count()));
            checks.add(latency(now.name(), "p99Ms", 99, before.p99Ms(), now.p99Ms(), t, before.count(), now.count()));
            double errorLimit = before.errorPercent() + t.errorPointsMax();
            checks.add(new Check("regression", now.name(), "errorPercent", before.errorPercent(), now.errorPercent(),
                    now.errorPercent() > errorLimit ? Check.Verdict.FAIL : Check.Verdict.PASS,
                    String.format("fails above baseline + %s points", Check.format(t.errorPointsMax()))));
            double throughputLimit = before.throughputPerSecond() * t.throughputRatio();
            checks.add(new Check("regression", now.name(), "throughputPerSecond", before.throughputPerSecond(),
                    now.throughputPerSecond(), t.timing(now.throughputPerSecond() < throughputLimit, before.count(),
                    now.count()), String.format("fails below baseline x %s", Check.format(t.throughputRatio()))));
            if (before.statementsMax() >= 0 && now.statementsMax() >= 0) {
                checks.add(new Check("regression", now.name(), "statementsMax", before.statementsMax(),
                        now.statementsMax(), now.statementsMax() > before.statementsMax() ? Check.Verdict.FAIL
                        : Check.Verdict.PASS, "exact: any statement more than the baseline fails"));
            }
        }
        if (baseline != null) {
            for (RequestStats gone : baseline.requests()) {
                if (current.request(gone.name()) == null) {
                    // a rare branch (a next page that did not exist this time) may be absent by chance
                    checks.add(new Check("regression", gone.name(), "count", gone.count(), 0,
                            gone.count() >= t.minSamples() ? Check.Verdict.FAIL : Check.Verdict.WARN,
                            "request in the baseline was not run (renamed or removed? update the baseline)"));
                }
            }
        }
        return checks;
    }

    private static Check latency(String name, String metric, double percentile, double baseline, double current,
                                 Tolerance t, long baselineCount, long currentCount) {
        boolean worse = current > baseline * t.latencyRatio() && current - baseline > t.latencyFloorMs();
        return new Check("regression", name, metric, baseline, current,
                t.timing(worse, percentile, baselineCount, currentCount),
                String.format("fails above baseline x %s and + %s ms", Check.format(t.latencyRatio()),
                        Check.format(t.latencyFloorMs())));
    }
}
