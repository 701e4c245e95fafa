package dev.perfgate.reports;

import java.util.Set;

/**
 * One verdict: a budget or a regression check on one metric of one request name (or of the whole run).
 *
 * @param group     "budget", "regression", "validity" or "capacity"
 * @param subject   the request name, or "global"
 * @param metric    what was compared, e.g. "p95Ms", "errorPercent", "statementsMax"
 * @param expected  the budget or the baseline value (NaN when there is none)
 * @param actual    this run's value
 * @param rule      how they were compared, in words
 */
public record Check(String group, String subject, String metric, double expected, double actual, Verdict verdict,
                    String rule) {

    /** Metrics that depend on timing: noisy, so a failure is confirmed by a second run and void in an invalid one. */
    private static final Set<String> TIMING = Set.of("p50Ms", "p95Ms", "p99Ms", "maxMs", "serverP50Ms", "serverP95Ms", "serverP99Ms",
            "throughputPerSecond", "sessionsPerSecond");

    /**
     * The outcome of a check: WARN is computed and shown but not enforced (too few samples for a timing verdict),
     * NEW has nothing to compare with yet, INVALID failed on timing in a run whose load generator was stalled (not
     * a verdict on the service).
     */
    public enum Verdict { PASS, FAIL, WARN, NEW, INVALID }

    /** Returns whether the check failed. */
    public boolean failed() {
        return verdict == Verdict.FAIL;
    }

    /** Returns whether the check depends on timing (as opposed to statement counts, errors, N+1 suspects). */
    public boolean timing() {
        return TIMING.contains(metric);
    }

    /** Returns the identity of the check across runs of the same simulation: group, subject, metric. */
    public String key() {
        return group + "|" + subject + "|" + metric;
    }

    /** Returns the same check with another verdict and a note added to its rule. */
    public Check withVerdict(Verdict v, String note) {
        return new Check(group, subject, metric, expected, actual, v, note == null ? rule : rule + "; " + note);
    }

    /** Returns one line for the console. */
    public String describe() {
        String exp = Double.isNaN(expected) ? "-" : format(expected);
        return String.format("%-4s %-10s %-28s %-15s expected %-10s actual %-10s %s", verdict, group, subject, metric,
                exp, format(actual), rule);
    }

    /** Formats a figure for people: whole numbers without decimals, others with two. */
    public static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e12 ? Long.toString((long) v) : String.format("%.2f", v);
    }
}
