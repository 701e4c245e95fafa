package dev.perfgate.sut.query;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.perfgate.analyzer.QueryAnalyzer;

/**
 * The service's analyses: the latest analysis of its top statements (run on demand by the admin endpoint) and the
 * index advice gathered from slow statements as they happen, merged into one list of recommendations for the
 * report.
 */
public final class QueryInsights {
    private final QueryAnalyzer analyzer;
    private volatile Map<String, Object> latest;
    private final ConcurrentHashMap<String, Map<String, Object>> fromSlow = new ConcurrentHashMap<>();

    public QueryInsights(QueryAnalyzer analyzer) {
        this.analyzer = analyzer;
    }

    /** Analyzes the top statements by total time now; the result is kept for the report. */
    public Map<String, Object> analyzeTop(StatementStats statements, int top) throws SQLException {
        Map<String, Object> analysis = analyzer.analyze(statements.topTargets(top));
        latest = analysis;
        return analysis;
    }

    /** Analyzes one slow statement (with its plan JSON kept) and files its index advice. */
    Map<String, Object> analyzeSlow(QueryAnalyzer.Target target) throws SQLException {
        Map<String, Object> analysis = analyzer.analyze(List.of(target), true);
        for (Map<String, Object> rec : recommendations(analysis)) {
            fromSlow.merge(key(rec), rec, QueryInsights::better);
        }
        return statements(analysis).getFirst();
    }

    /**
     * The index recommendations so far, best cut first, and the latest analysis (or null): the query analyzer's own
     * output, passed on as it wrote it.
     */
    public record Section(List<Map<String, Object>> indexRecommendations, Map<String, Object> analysis) {
    }

    /** Returns the report section: the latest analysis (or null) and every index recommendation so far. */
    public Section report() {
        Map<String, Map<String, Object>> merged = new LinkedHashMap<>();
        Map<String, Object> l = latest;
        if (l != null) {
            for (Map<String, Object> rec : recommendations(l)) {
                merged.merge(key(rec), rec, QueryInsights::better);
            }
        }
        fromSlow.values().forEach(rec -> merged.merge(key(rec), rec, QueryInsights::better));
        return new Section(merged.values().stream()
                .sorted((a, b) -> Double.compare(((Number) b.get("costReductionPercent")).doubleValue(),
                        ((Number) a.get("costReductionPercent")).doubleValue())).toList(), l);
    }

    public void reset() {
        latest = null;
        fromSlow.clear();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> recommendations(Map<String, Object> analysis) {
        return (List<Map<String, Object>>) analysis.get("indexRecommendations");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> statements(Map<String, Object> analysis) {
        return (List<Map<String, Object>>) analysis.get("statements");
    }

    private static String key(Map<String, Object> rec) {
        return rec.get("table") + "" + rec.get("columns");
    }

    /** Keeps the larger verified cut and the statements of both. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> better(Map<String, Object> a, Map<String, Object> b) {
        boolean bWins = ((Number) b.get("costReductionPercent")).doubleValue()
                > ((Number) a.get("costReductionPercent")).doubleValue();
        Map<String, Object> out = new LinkedHashMap<>(bWins ? b : a);
        Set<String> statements = new LinkedHashSet<>((List<String>) a.get("statements"));
        statements.addAll((List<String>) b.get("statements"));
        out.put("statements", new ArrayList<>(statements));
        return out;
    }
}
