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
                    String.format("%.1f requests/s in the steady window%s", l.requestsPerSecond(),
                            l.breaches().isEmpty() ? "" : "; broke " + String.join(", ", l.breaches()))));
        }
        return out;
    }
}
