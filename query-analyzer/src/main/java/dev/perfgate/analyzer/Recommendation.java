package dev.perfgate.analyzer;

import java.util.LinkedHashSet;
import java.util.List;
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

    /** Returns how the timing check found it: each statement's medians, or why it was not timed. */
    Analysis.Timing timingFigures() {
        if (timing.skipped() != null) {
            return new Analysis.Timing(timing.skipped(), null, null);
        }
        return new Analysis.Timing(null, TimedCheck.RUNS, timing.timings().stream()
                .map(x -> new Analysis.StatementTiming(x.fingerprint(), x.msBefore(), x.msAfter(), x.used()))
                .toList());
    }

    /** Returns the recommendation as the analysis writes it. */
    Analysis.RecommendedIndex figures() {
        // with the index it is timed only under --verify-timing (a concurrent build): a build in the trial's
        // transaction would hold a lock writers wait for through the execution
        return new Analysis.RecommendedIndex(candidate.table().qualified(), candidate.columns(),
                candidate.ddl(null, true), verifiedBy, costBefore, costAfter,
                IndexAdvisor.percent(costBefore, costAfter), timing != null ? timingFigures() : null,
                timing == null && msBefore >= 0 ? msBefore : null, tableWrites, List.copyOf(statements));
    }
}
