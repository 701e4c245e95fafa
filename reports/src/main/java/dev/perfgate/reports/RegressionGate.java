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

    /**
     * Returns one check per compared metric; a request name absent from the baseline gets NEW checks. For a
     * capacity run the whole-run timings mix every load level, overload included, so only the capacity found and
     * the SQL statements are compared.
     */
    public static List<Check> compare(RunResult baseline, RunResult current, Tolerance t) {
        List<Check> checks = new ArrayList<>();
        boolean capacityRun = current.capacity() != null;
        for (RequestStats now : current.requests()) {
            RequestStats before = baseline == null ? null : baseline.request(now.name());
            if (before == null) {
                checks.add(new Check("regression", now.name(), "p95Ms", Double.NaN, now.p95Ms(), Check.Verdict.NEW,
                        "no baseline for this request yet"));
                continue;
            }
            if (capacityRun) {
                checks.add(statements(now.name(), before, now));
                continue;
            }
            checks.addAll(latency(now.name(), before, now, t));
            double errorLimit = before.errorPercent() + t.errorPointsMax();
            checks.add(new Check("regression", now.name(), "errorPercent", before.errorPercent(), now.errorPercent(),
                    now.errorPercent() > errorLimit ? Check.Verdict.FAIL : Check.Verdict.PASS,
                    String.format("fails above baseline + %s points", Check.format(t.errorPointsMax()))));
            checks.add(t.throughput(now.name(), before, now));
            checks.add(statements(now.name(), before, now));
        }
        checks.removeIf(java.util.Objects::isNull);
        if (baseline != null) {
            checks.addAll(nPlusOne(baseline, current));
        }
        if (baseline != null && baseline.capacity() != null && current.capacity() != null) {
            double before = baseline.capacitySessionsPerSecond();
            double now = current.capacitySessionsPerSecond();
            checks.add(new Check("regression", "capacity", "sessionsPerSecond", before, now,
                    now < before * t.throughputRatio() ? Check.Verdict.FAIL : Check.Verdict.PASS,
                    String.format("highest rate with every budget held; fails below baseline x %s",
                            Check.format(t.throughputRatio()))));
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

    /**
     * Compares the service's N+1 suspects (routes by statement shape, from its statement statistics) exactly: a suspect
     * the baseline did not have is a regression, named by its route.
     */
    static List<Check> nPlusOne(RunResult baseline, RunResult current) {
        java.util.Set<String> before = suspects(baseline);
        java.util.Set<String> now = suspects(current);
        if (before == null || now == null) {
            return List.of(); // one of the runs has no query report
        }
        List<Check> out = new ArrayList<>();
        java.util.Set<String> newRoutes = new java.util.TreeSet<>();
        for (String suspect : new java.util.TreeSet<>(now)) {
            if (!before.contains(suspect)) {
                String route = suspect.substring(0, suspect.indexOf('\n'));
                newRoutes.add(route);
                out.add(new Check("regression", "n+1 suspects " + route, "suspect", 0, 1, Check.Verdict.FAIL,
                        "new N+1 suspect: " + suspect.substring(suspect.indexOf('\n') + 1)));
            }
        }
        out.add(new Check("regression", "n+1 suspects", "count", before.size(), now.size(),
                now.size() > before.size() ? Check.Verdict.FAIL : Check.Verdict.PASS,
                "exact: routes x statement shapes the service flags as N+1"
                        + (newRoutes.isEmpty() ? "" : "; new on " + String.join(", ", newRoutes))));
        return out;
    }

    /** Returns "route\nfingerprint" of every N+1 suspect in a run's query report, or null without a report. */
    private static java.util.Set<String> suspects(RunResult r) {
        List<ServerFigures.Suspect> listed = r.server() == null ? null : r.server().nPlusOneSuspects();
        if (listed == null) {
            return null;
        }
        java.util.Set<String> out = new java.util.HashSet<>();
        for (ServerFigures.Suspect s : listed) {
            out.add(s.route() + "\n" + s.fingerprint());
        }
        return out;
    }

    private static Check statements(String name, RequestStats before, RequestStats now) {
        if (before.statementsMax() < 0 || now.statementsMax() < 0) {
            return null; // the service does not report X-Query-Count
        }
        return new Check("regression", name, "statementsMax", before.statementsMax(), now.statementsMax(),
                now.statementsMax() > before.statementsMax() ? Check.Verdict.FAIL : Check.Verdict.PASS,
                "exact: any statement more than the baseline fails");
    }

    /**
     * The p50, p95 and p99 checks of one request. Requests whose baseline client p95 is under {@code serverBelowMs} are
     * judged on the service's own time when both runs carry it: whole-millisecond client timestamps cannot tell an
     * L1-cached answer from one twice as slow.
     */
    static List<Check> latency(String name, RequestStats before, RequestStats now, Tolerance t) {
        List<Check> out = new ArrayList<>();
        boolean server = t.judgedOnServer(before, now);
        for (double pct : new double[] {50, 95, 99}) { // the median moves first when a route gets slower as a whole
            String metric = (server ? "serverP" : "p") + (int) pct + "Ms";
            out.add(t.percentile(name, metric, pct, t.interval(before, pct, server), t.interval(now, pct, server),
                    t.floorMs(server)));
        }
        return out;
    }
}
