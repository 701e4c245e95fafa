package dev.perfgate.analyzer;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The smallest set of recommended indexes that keeps every statement's verified improvement: each index costs every
 * write of its table, so one that another recommendation makes unnecessary is dropped, with the costs that justify it.
 */
final class MinimalIndexSet {
    private MinimalIndexSet() {
    }

    /** A statement and the indexes chosen for it: the minimal set must keep serving it. */
    record Served(String fingerprint, String sql, double costBefore, double costBest, Set<String> chosen) {
    }

    /** Without an index, a statement it served may end up this much above its best verified cost for the index to go. */
    static final double NEAR_BEST = 1.25;

    /**
     * Drops recommendations another recommended index makes unnecessary: for each (serving the fewest statements
     * first, narrowest first), every statement it serves is planned with all the other recommendations in place. An
     * index whose columns lead another recommended index goes when its statements still have their cost at least
     * halved (the bar of any recommendation); any other when they stay within {@value #NEAR_BEST}x of their best
     * verified cost. Each index costs every write of its table, so the set to create is the smallest that keeps
     * every statement's verified improvement; the dropped ones are listed with the costs that justified it.
     */
    static void minimize(Connection c, IndexTrials trials, Map<String, Recommendation> recommendations,
                                 List<Served> served, List<Analysis.SetAside> dropped) {
        List<Recommendation> byUse = new ArrayList<>(recommendations.values());
        byUse.sort(java.util.Comparator.comparingInt((Recommendation r) -> r.statements.size())
                .thenComparingInt(r -> r.candidate.columns().size()));
        for (Recommendation r : byUse) {
            if (recommendations.size() < 2) {
                return;
            }
            List<IndexAdvisor.Candidate> others = recommendations.values().stream().filter(o -> o != r)
                    .map(o -> o.candidate).toList();
            // an index whose columns lead another recommended one is the classic redundant index: it goes as long as
            // its statements keep the recommendation's bar (cost at least halved); any other only if they stay near
            // their best plan
            boolean prefix = recommendations.values().stream().anyMatch(o -> o != r
                    && o.candidate.table().qualified().equals(r.candidate.table().qualified())
                    && o.candidate.columns().size() > r.candidate.columns().size()
                    && o.candidate.columns().subList(0, r.candidate.columns().size()).equals(r.candidate.columns()));
            Set<String> instead = new LinkedHashSet<>();
            List<String> costs = new ArrayList<>();
            Map<Served, Set<String>> reassigned = new LinkedHashMap<>();
            boolean redundant = true;
            for (Served s : served) {
                if (!s.chosen().contains(r.candidate.key())) {
                    continue;
                }
                List<IndexAdvisor.Candidate> relevant = others.stream()
                        .filter(o -> s.sql().contains(o.table().name())).toList();
                IndexTrials.Outcome without = relevant.isEmpty() ? IndexTrials.Outcome.skipped("no other index")
                        : trials.plan(c, s.sql(), relevant);
                double bar = prefix ? s.costBefore() * (1 - IndexAdvisor.REQUIRED_REDUCTION) : s.costBest() * NEAR_BEST;
                if (!without.ok() || without.used().isEmpty() || without.cost() > bar) {
                    redundant = false;
                    break;
                }
                instead.addAll(without.used());
                reassigned.put(s, without.used());
                costs.add(String.format(java.util.Locale.ROOT, "%.0f instead of %.0f (%.0f without any)", without.cost(),
                        s.costBest(), s.costBefore()));
            }
            if (redundant) {
                recommendations.remove(r.candidate.key());
                reassigned.forEach((s, used) -> {
                    s.chosen().remove(r.candidate.key());
                    s.chosen().addAll(used);
                    used.forEach(key -> recommendations.get(key).statements.add(s.fingerprint()));
                });
                dropped.add(new Analysis.SetAside(r.candidate.ddl(null, false), (prefix ? "its columns lead "
                        + String.join(", ", instead) + ", which still at least halves the cost of its statements"
                        : "its statements keep a plan within " + Math.round((NEAR_BEST - 1) * 100) + " % of their"
                        + " best cost with " + String.join(", ", instead)) + " (planner cost "
                        + String.join("; ", costs) + "): one index fewer to maintain on every write", null,
                        List.copyOf(r.statements)));
            }
        }
    }
}
