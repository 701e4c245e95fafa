package dev.perfgate.analyzer.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Applies every {@link Rule} to every node of a plan and scores it: 100 less each finding's penalty (25 high, 10
 * medium, 3 low), never below 0. A plan with no findings scores 100.
 */
public final class PlanAnalyzer {
    private PlanAnalyzer() {
    }

    /** The findings on one plan and its score. */
    public record Analysis(List<Finding> findings, int score) {
    }

    /**
     * Analyzes a plan.
     *
     * @param sql the statement the plan is for, or null; a few rules read it (the OFFSET, the aggregate)
     */
    public static Analysis analyze(Plan plan, Schema schema, String sql) {
        Rule.Context ctx = new Rule.Context(plan, schema, sql == null ? "" : sql);
        List<Finding> findings = new ArrayList<>();
        for (PlanNode node : plan.nodes()) {
            for (Rule rule : Rule.values()) {
                rule.check(node, ctx, findings);
            }
        }
        findings.sort(Comparator.comparing(Finding::severity).thenComparing(Finding::node));
        int penalty = findings.stream().mapToInt(f -> f.severity().penalty()).sum();
        return new Analysis(List.copyOf(findings), Math.max(0, 100 - penalty));
    }
}
