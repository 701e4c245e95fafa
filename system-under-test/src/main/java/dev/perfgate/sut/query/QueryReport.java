package dev.perfgate.sut.query;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.perfgate.analyzer.Analysis;

/**
 * The body of {@code GET /api/performance/queries} ({@link #SCHEMA_VERSION}): the top statement shapes by total
 * time, the N+1 and repeated-statement suspects, statements per request by route, the slow statements, and the index
 * recommendations so far with the latest analysis. The harness keeps it in {@code results.json} ({@code
 * server.queries}) and reads the suspects back to compare two runs, so a renamed field is a new schema version.
 *
 * <p>{@code indexRecommendations}, {@code analysis} and a slow statement's {@code plan} and {@code indexCandidates}
 * are the query analyzer's own records ({@link Analysis}; see the query-analyzer module's README).
 */
public record QueryReport(int schemaVersion, int nPlusOneThreshold, List<Fingerprint> fingerprints,
                          List<StatementStats.SuspectFigures> nPlusOneSuspects,
                          List<StatementStats.SuspectFigures> repeatedIdentical, List<RouteStatements> statementsPerRequest,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Slow slowStatements,
                          List<Analysis.RecommendedIndex> indexRecommendations, Analysis analysis) {
    /** The version of this body's shape. */
    public static final int SCHEMA_VERSION = StatementStats.REPORT_SCHEMA_VERSION;

    /** One statement shape: how often it ran and failed, its time (ms), and the routes that ran it, by name. */
    public record Fingerprint(String fingerprint, long calls, long errors, double totalMs, double meanMs, double p95Ms,
                              double maxMs, Map<String, Long> routes) {
    }

    /** One route's statements per request since the last reset. */
    public record RouteStatements(String route, long requests, double meanStatements, long maxStatements) {
    }

    /** The slow-statement log: its threshold, what it saw and dropped, and the latest entries, newest first. */
    public record Slow(long thresholdMs, long seen, long dropped, List<SlowStatement> recent) {
    }

    /**
     * One slow statement: when, where, how long, its SQL with the parameters inlined, and, when it was planned, the
     * analyzer's plan and index candidates, or why planning failed.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SlowStatement(String at, String route, String fingerprint, double durationMs, String sql,
                                Analysis.PlanSummary plan, List<Analysis.CandidateTrial> indexCandidates,
                                String planError) {
        /** The same without its SQL and plan, as the live summary shows it. */
        public SlowStatement summary() {
            return new SlowStatement(at, route, fingerprint, durationMs, null, null, null, null);
        }
    }

    /** Returns this report with the index recommendations and the latest analysis filled in. */
    public QueryReport withInsights(QueryInsights.Section insights) {
        return new QueryReport(schemaVersion, nPlusOneThreshold, fingerprints, nPlusOneSuspects, repeatedIdentical,
                statementsPerRequest, slowStatements, insights.indexRecommendations(), insights.analysis());
    }
}
