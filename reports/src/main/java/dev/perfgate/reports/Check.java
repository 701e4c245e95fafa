package dev.perfgate.reports;

/**
 * One verdict: a budget or a regression check on one metric of one request name (or of the whole run).
 *
 * @param group     "budget" or "regression"
 * @param subject   the request name, or "global"
 * @param metric    what was compared, e.g. "p95Ms", "errorPercent", "statementsMax"
 * @param expected  the budget or the baseline value (NaN when there is none)
 * @param actual    this run's value
 * @param rule      how they were compared, in words
 */
public record Check(String group, String subject, String metric, double expected, double actual, Verdict verdict,
                    String rule) {

    /**
     * The outcome of a check: WARN is computed and shown but not enforced (too few samples for a timing verdict),
     * NEW has nothing to compare with yet.
     */
    public enum Verdict { PASS, FAIL, WARN, NEW }

    /** Returns whether the check failed. */
    public boolean failed() {
        return verdict == Verdict.FAIL;
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
