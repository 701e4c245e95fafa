package dev.perfgate.sut.query;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.perfgate.analyzer.Analysis;
import dev.perfgate.analyzer.QueryAnalyzer;

/**
 * The service's analyses: the latest analysis of its top statements (run on demand by the admin endpoint) and the
 * index advice gathered from slow statements as they happen, merged into one list of recommendations for the
 * report.
 */
public final class QueryInsights {
    private final QueryAnalyzer analyzer;
    private volatile Analysis latest;
    private final ConcurrentHashMap<String, Analysis.RecommendedIndex> fromSlow = new ConcurrentHashMap<>();

    public QueryInsights(QueryAnalyzer analyzer) {
        this.analyzer = analyzer;
    }

    /** Analyzes the top statements by total time now; the result is kept for the report. */
    public Analysis analyzeTop(StatementStats statements, int top) throws SQLException {
        Analysis analysis = analyzer.analyze(statements.topTargets(top));
        latest = analysis;
        return analysis;
    }

    /** Analyzes one slow statement (with its plan JSON kept) and files its index advice. */
    Analysis.Statement analyzeSlow(QueryAnalyzer.Target target) throws SQLException {
        Analysis analysis = analyzer.analyze(List.of(target), true);
        for (Analysis.RecommendedIndex rec : analysis.indexRecommendations()) {
            fromSlow.merge(key(rec), rec, QueryInsights::better);
        }
        return analysis.statements().getFirst();
    }

    /** The index recommendations so far, best cut first, and the latest analysis (or null). */
    public record Section(List<Analysis.RecommendedIndex> indexRecommendations, Analysis analysis) {
    }

    /** Returns the report section: the latest analysis (or null) and every index recommendation so far. */
    public Section report() {
        Map<String, Analysis.RecommendedIndex> merged = new LinkedHashMap<>();
        Analysis l = latest;
        if (l != null) {
            for (Analysis.RecommendedIndex rec : l.indexRecommendations()) {
                merged.merge(key(rec), rec, QueryInsights::better);
            }
        }
        fromSlow.values().forEach(rec -> merged.merge(key(rec), rec, QueryInsights::better));
        return new Section(merged.values().stream()
                .sorted((a, b) -> Double.compare(b.costReductionPercent(), a.costReductionPercent())).toList(), l);
    }

    public void reset() {
        latest = null;
        fromSlow.clear();
    }

    private static String key(Analysis.RecommendedIndex rec) {
        return rec.table() + "" + rec.columns();
    }

    /** Keeps the larger verified cut and the statements of both. */
    private static Analysis.RecommendedIndex better(Analysis.RecommendedIndex a, Analysis.RecommendedIndex b) {
        Set<String> statements = new LinkedHashSet<>(a.statements());
        statements.addAll(b.statements());
        return (b.costReductionPercent() > a.costReductionPercent() ? b : a).helping(List.copyOf(statements));
    }
}
