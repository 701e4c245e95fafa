package dev.perfgate.harness;

import java.util.ArrayList;
import java.util.List;

import dev.perfgate.reports.Check;
import dev.perfgate.reports.RunResult;

/** How a capacity run is judged: by where its limit is, not by one level's budgets. */
final class CapacityVerdict {
    private CapacityVerdict() {
    }

    /**
     * The knee first (where the limit is and which budget broke first), then one informational check per level:
     * which budgets held there. Overload levels are expected to break them.
     */
    static List<Check> checks(List<RunResult.CapacityLevel> levels) {
        List<Check> out = new ArrayList<>();
        RunResult.Knee knee = RunResult.Knee.of(levels);
        out.add(new Check("capacity", "knee", "requestsPerSecond", Double.NaN, knee.requestsPerSecond(),
                knee.brokenAt() == null ? Check.Verdict.WARN : Check.Verdict.PASS, knee.describe()));
        for (RunResult.CapacityLevel l : levels) {
            out.add(new Check("capacity", "level " + Check.format(l.sessionsPerSecond()) + " sessions/s",
                    "budgetsHeld", 1, l.budgetsHeld() ? 1 : 0, l.budgetsHeld() ? Check.Verdict.PASS : Check.Verdict.WARN,
                    String.format("%.1f requests/s in the steady window%s%s", l.requestsPerSecond(),
                            l.breaches().isEmpty() ? "" : "; broke " + String.join(", ", l.breaches()),
                            l.cpu() == null ? "" : "; " + l.cpu().describe())));
        }
        return out;
    }

    /**
     * Voids a capacity lower than the baseline's when other work took at least {@code foreignLimitPercent} of the
     * machine where the knee broke: the level that set the knee then measured the machine's neighbours as much as the
     * service, so the check is INVALID (a re-run on a quieter machine decides), not a regression.
     */
    static List<Check> voidMachineBoundDrop(List<Check> checks, List<RunResult.CapacityLevel> levels,
                                            double foreignLimitPercent) {
        RunResult.CapacityLevel broken = RunResult.Knee.of(levels).brokenAt();
        if (broken == null || broken.cpu() == null || broken.cpu().otherWorkPercent() < foreignLimitPercent) {
            return checks;
        }
        String note = String.format("not a verdict on the service: other work used %s %% of the machine at %s"
                        + " sessions/s, where the knee broke (limit %s %%)", Check.format(broken.cpu().otherWorkPercent()),
                Check.format(broken.sessionsPerSecond()), Check.format(foreignLimitPercent));
        return checks.stream().map(c -> c.failed() && c.group().equals("regression") && c.subject().equals("capacity")
                ? c.withVerdict(Check.Verdict.INVALID, note) : c).toList();
    }
}
