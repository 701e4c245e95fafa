package dev.perfgate.analyzer;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.perfgate.analyzer.plan.Plan;

/** One recommended index and the statements it helped, keeping the largest verified cut. */
final class Recommendation {
    final IndexAdvisor.Candidate candidate;
    final String verifiedBy;
    final Set<String> statements = new LinkedHashSet<>();
    double costBefore;
    double costAfter;
    double msBefore = -1;
    Long tableWrites;
    TimedCheck.Result timing;

    Recommendation(IndexAdvisor.Candidate candidate, String verifiedBy) {
        this.candidate = candidate;
        this.verifiedBy = verifiedBy;
    }

    double reduction() {
        return costBefore <= 0 ? 0 : (costBefore - costAfter) / costBefore;
    }

    void add(String fingerprint, Plan before, double after) {
        statements.add(fingerprint);
        double cut = before.totalCost() <= 0 ? 0 : (before.totalCost() - after) / before.totalCost();
        if (statements.size() == 1 || cut > reduction()) {
            costBefore = before.totalCost();
            costAfter = after;
            msBefore = before.executionMs();
        }
    }

    Map<String, Object> timingMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (timing.skipped() != null) {
            m.put("skipped", timing.skipped());
            return m;
        }
        m.put("runs", TimedCheck.RUNS);
        m.put("statements", timing.timings().stream().map(x -> {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("fingerprint", x.fingerprint());
            s.put("msBefore", x.msBefore());
            s.put("msAfter", x.msAfter());
            s.put("usedByPlan", x.used());
            return s;
        }).toList());
        return m;
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("table", candidate.table().qualified());
        m.put("columns", candidate.columns());
        m.put("create", candidate.ddl(null, true));
        m.put("verifiedBy", verifiedBy);
        m.put("costBefore", costBefore);
        m.put("costAfter", costAfter);
        m.put("costReductionPercent", IndexAdvisor.percent(costBefore, costAfter));
        if (timing != null) {
            m.put("timing", timingMap());
        } else if (msBefore >= 0) {
            // with the index it is timed only under --verify-timing (a concurrent build): a build in the trial's
            // transaction would hold a lock writers wait for through the execution
            m.put("msBefore", msBefore);
        }
        if (tableWrites != null) {
            m.put("tableWritesSinceStatsReset", tableWrites);
        }
        m.put("statements", List.copyOf(statements));
        return m;
    }
}
