package dev.perfgate.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns a run's checks into the verdict that fails a build or not. Timing checks are noisy on a shared machine, so
 * they need two witnesses: a timing failure is confirmed by running the simulation once more, and fails only when
 * the same check fails again; in a run whose load generator stalled ({@link RunValidity}) a timing failure is
 * INVALID, never a regression. Deterministic checks (SQL statements, new N+1 suspects, errors) fail at once.
 */
public final class Confirmation {
    private Confirmation() {
    }

    /** The verdict of a simulation. */
    public enum Outcome { PASS, FAIL, INVALID }

    /** Returns the checks with every timing failure of an invalid run marked INVALID. */
    public static List<Check> applyValidity(List<Check> checks, RunValidity validity) {
        if (validity == null || validity.valid()) {
            return checks;
        }
        return checks.stream().map(c -> c.timing() && c.failed()
                ? c.withVerdict(Check.Verdict.INVALID, "not a verdict on the service: the load generator stalled")
                : c).toList();
    }

    /** Returns whether a timing check failed or was voided, so that a second run should confirm it. */
    public static boolean needsConfirmation(List<Check> checks) {
        return checks.stream().anyMatch(c -> c.timing() && (c.failed() || c.verdict() == Check.Verdict.INVALID));
    }

    /**
     * Combines a first run's checks with its confirmation run's: the confirmation's figures are reported, timing
     * checks fail only when they failed (or were voided) in the first run and fail in the second, deterministic
     * failures of either run stand.
     */
    public static List<Check> combine(List<Check> first, List<Check> second) {
        Map<String, Check> before = first.stream().collect(Collectors.toMap(Check::key, Function.identity(),
                (a, b) -> a.failed() ? a : b));
        List<Check> out = new ArrayList<>();
        for (Check now : second) {
            Check was = before.remove(now.key());
            out.add(was == null ? now : combine(was, now));
        }
        // deterministic failures of the first run that the second did not check at all still stand
        before.values().stream().filter(c -> c.failed() && !c.timing()).forEach(out::add);
        return out;
    }

    private static Check combine(Check first, Check second) {
        if (!second.timing()) {
            return first.failed() && !second.failed()
                    ? first.withVerdict(Check.Verdict.FAIL, "failed in the first run (deterministic: not re-judged)")
                    : second;
        }
        boolean firstBad = first.failed() || first.verdict() == Check.Verdict.INVALID;
        return switch (second.verdict()) {
            case FAIL -> firstBad ? second.withVerdict(Check.Verdict.FAIL, "confirmed: failed in both runs (first "
                    + Check.format(first.actual()) + ")")
                    : second.withVerdict(Check.Verdict.WARN, "failed in the confirmation run only (first "
                    + Check.format(first.actual()) + ", passed)");
            case INVALID -> second;
            default -> firstBad ? second.withVerdict(second.verdict(), "not confirmed: " + first.verdict()
                    + " in the first run at " + Check.format(first.actual())) : second;
        };
    }

    /** Returns the simulation's verdict: FAIL when a check failed, else INVALID when one was voided, else PASS. */
    public static Outcome outcome(List<Check> checks) {
        if (checks.stream().anyMatch(Check::failed)) {
            return Outcome.FAIL;
        }
        return checks.stream().anyMatch(c -> c.verdict() == Check.Verdict.INVALID) ? Outcome.INVALID : Outcome.PASS;
    }
}
