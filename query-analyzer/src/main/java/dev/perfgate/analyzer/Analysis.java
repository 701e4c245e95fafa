package dev.perfgate.analyzer;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the analyzer writes — its {@code analyze} command's JSON, the text and HTML pages made from it, and the part
 * of the reference service's query report it fills: per statement its plan's cost, score and findings and the index
 * candidates tried, then the index recommendations over all of them. Fields absent from a case are left out (a
 * statement EXPLAIN could not plan has an {@code error} and no plan; without the index advisor there are no
 * candidates); the JSON's field order is the records'.
 *
 * @param indexTrials          how candidate indexes were tried (hypothetical or real builds), with the advisor on
 * @param indexTrialsNote      why that way, when it was not the first choice
 * @param droppedAlternatives  recommendations another recommended index made unnecessary, and why
 * @param verifyTiming         true when recommendations were timed with the indexes built ({@code --verify-timing})
 * @param rejectedByTiming     recommendations the timing check found slower, and by how much
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Analysis(String analyzedAt, boolean explainAnalyze, boolean indexAdvisor, String indexTrials,
                       String indexTrialsNote, List<Statement> statements, List<RecommendedIndex> indexRecommendations,
                       List<SetAside> droppedAlternatives, Boolean verifyTiming, List<SetAside> rejectedByTiming) {

    /**
     * One statement: its text, its workload figures when known, then its plan (or why it has none), the index
     * candidates tried for it, and how often it was given when it was given more than once.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Statement(String fingerprint, String sql, Long calls, Double totalMs, Double meanMs, String error,
                            PlanSummary plan, TogetherTrial allCandidatesTogether, List<CandidateTrial> indexCandidates,
                            Integer occurrences) {
        /** Returns the statement with the number of times it was given. */
        Statement occurring(int times) {
            return new Statement(fingerprint, sql, calls, totalMs, meanMs, error, plan, allCandidatesTogether,
                    indexCandidates, times);
        }
    }

    /**
     * A statement's plan as judged: whether it is the generic plan (markers left in) or one planned with sample
     * values, its cost, its execution time when run under EXPLAIN ANALYZE, its score (100 less each finding's
     * penalty), the findings, and the EXPLAIN JSON itself when asked for.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PlanSummary(boolean generic, String sampleValues, boolean analyzed, double totalCost,
                              Double executionMs, int score, List<PlanFinding> findings, JsonNode json) {
    }

    /** One rule's finding on a plan node, with what to do about it. */
    public record PlanFinding(String rule, String severity, String node, String message, String suggestion) {
    }

    /**
     * One candidate index tried for a statement: the plan's cost with it and whether the plan used it, or why the
     * trial was skipped; whether it is recommended, and a note where it needs one.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CandidateTrial(String index, String skipped, Double costAfter, Double costReductionPercent,
                                 Boolean usedByPlan, String note, boolean recommended) {
    }

    /** Every candidate of a statement at once: the cost and the ones the planner used, or why it was skipped. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TogetherTrial(Double costAfter, Double costReductionPercent, List<String> used, String skipped) {
    }

    /**
     * One recommended index: where, its DDL, how it was verified, the largest cost cut it gave a statement, its timing
     * when timed (else the statement's time without it, when run under EXPLAIN ANALYZE), the writes its table takes,
     * and the statements it helps.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RecommendedIndex(String table, List<String> columns, String create, String verifiedBy,
                                   double costBefore, double costAfter, double costReductionPercent, Timing timing,
                                   Double msBefore, Long tableWritesSinceStatsReset, List<String> statements) {
        /** Returns the same index helping these statements. */
        public RecommendedIndex helping(List<String> fingerprints) {
            return new RecommendedIndex(table, columns, create, verifiedBy, costBefore, costAfter,
                    costReductionPercent, timing, msBefore, tableWritesSinceStatsReset, List.copyOf(fingerprints));
        }
    }

    /** A recommendation timed with its indexes built: each statement's medians, or why it was not timed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Timing(String skipped, Integer runs, List<StatementTiming> statements) {
    }

    /** One statement's median time without and with the recommended indexes, and whether its plan used one. */
    public record StatementTiming(String fingerprint, double msBefore, double msAfter, boolean usedByPlan) {
    }

    /** An index set aside — made unnecessary by another, or measured slower — with the reason and its statements. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SetAside(String index, String reason, Timing timing, List<String> statements) {
    }
}
