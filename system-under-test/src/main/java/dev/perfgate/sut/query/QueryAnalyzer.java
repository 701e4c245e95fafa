package dev.perfgate.sut.query;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import dev.perfgate.sut.query.plan.Finding;
import dev.perfgate.sut.query.plan.Plan;
import dev.perfgate.sut.query.plan.PlanAnalyzer;
import dev.perfgate.sut.query.plan.Schema;

/**
 * Analyzes statements on a database: plans each (with ANALYZE for read-only statements when allowed), applies the
 * plan rules, and runs the index advisor on it. The service's report and the {@code analyze} command both come from
 * here, so given the same statements and database they say the same thing.
 *
 * <p>Everything runs on one connection with auto-commit off, and every transaction is rolled back: EXPLAIN ANALYZE
 * runs in a read-only transaction, the advisor's indexes never outlive their transaction.
 */
public final class QueryAnalyzer {
    private final DataSource dataSource;
    private final Options options;

    /**
     * @param explainAnalyze  run read-only statements under EXPLAIN ANALYZE (they execute; nothing is written)
     * @param adviseIndexes   try candidate indexes (each built and rolled back in a transaction)
     * @param indexBuildMs    give up building a candidate after this long
     */
    public record Options(boolean explainAnalyze, boolean adviseIndexes, long indexBuildMs) {
    }

    /**
     * A statement to analyze: its fingerprint, executable text (values written in, or $n markers for a generic plan)
     * and, where the source knows them, its calls and time.
     */
    public record Target(String fingerprint, String sql, long calls, double totalMs, double meanMs) {
        public static Target of(String sql) {
            return new Target(Fingerprint.of(sql), sql, -1, -1, -1);
        }
    }

    public QueryAnalyzer(DataSource dataSource, Options options) {
        this.dataSource = dataSource;
        this.options = options;
    }

    /**
     * Returns the analysis: per statement its plan cost, score and findings (and the index candidates tried), and
     * the index recommendations over all of them, each with the statements it helps and its verified cost cut.
     */
    public Map<String, Object> analyze(List<Target> targets) throws SQLException {
        return analyze(targets, false);
    }

    /** As {@link #analyze(List)}; with {@code keepPlans} each statement carries its EXPLAIN JSON too. */
    public Map<String, Object> analyze(List<Target> targets, boolean keepPlans) throws SQLException {
        List<Map<String, Object>> statements = new ArrayList<>();
        Map<String, Recommendation> recommendations = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            limit(c, Math.max(options.indexBuildMs(), 60_000));
            c.setAutoCommit(false);
            Schema schema = Schema.load(c);
            c.rollback();
            for (Target t : targets) {
                statements.add(analyzeOne(c, schema, t, recommendations, keepPlans));
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("analyzedAt", Instant.now().toString());
        body.put("explainAnalyze", options.explainAnalyze());
        body.put("indexAdvisor", options.adviseIndexes());
        body.put("statements", statements);
        body.put("indexRecommendations", recommendations.values().stream()
                .sorted((a, b) -> Double.compare(b.reduction(), a.reduction())).map(Recommendation::toMap).toList());
        return body;
    }

    private Map<String, Object> analyzeOne(Connection c, Schema schema, Target t,
                                           Map<String, Recommendation> recommendations, boolean keepPlan) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fingerprint", t.fingerprint());
        m.put("sql", t.sql());
        if (t.calls() >= 0) {
            m.put("calls", t.calls());
            m.put("totalMs", t.totalMs());
            m.put("meanMs", t.meanMs());
        }
        if (!BoundSql.plannable(t.sql())) {
            m.put("error", "not a statement EXPLAIN plans");
            return m;
        }
        boolean generic = BoundSql.hasNumberedMarkers(t.sql());
        boolean analyze = options.explainAnalyze() && !generic && BoundSql.readOnly(t.sql());
        Plan plan;
        try {
            plan = analyze ? Explainer.explainAnalyzeReadOnly(c, t.sql()) : Explainer.explain(c, t.sql());
        } catch (SQLException e) {
            m.put("error", e.getMessage());
            return m;
        } finally {
            rollback(c);
        }
        PlanAnalyzer.Analysis analysis = PlanAnalyzer.analyze(plan, schema, t.sql());
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("generic", generic);
        p.put("analyzed", plan.analyzed());
        p.put("totalCost", plan.totalCost());
        if (plan.analyzed()) {
            p.put("executionMs", plan.executionMs());
        }
        p.put("score", analysis.score());
        p.put("findings", analysis.findings().stream().map(QueryAnalyzer::finding).toList());
        if (keepPlan) {
            p.put("json", plan.raw());
        }
        m.put("plan", p);
        if (!options.adviseIndexes()) {
            return m;
        }
        List<Map<String, Object>> tried = new ArrayList<>();
        for (IndexAdvisor.Candidate candidate : IndexAdvisor.candidates(plan, schema)) {
            IndexAdvisor.Trial trial = IndexAdvisor.verify(c, t.sql(), candidate, analyze, options.indexBuildMs());
            boolean recommended = IndexAdvisor.recommended(trial, plan.totalCost());
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("index", candidate.ddl(null, false));
            if (trial.error() != null) {
                tm.put("error", trial.error());
            } else {
                tm.put("costAfter", trial.costAfter());
                tm.put("costReductionPercent", IndexAdvisor.percent(plan.totalCost(), trial.costAfter()));
                tm.put("usedByPlan", trial.used());
            }
            tm.put("recommended", recommended);
            tried.add(tm);
            if (recommended) {
                recommendations.computeIfAbsent(candidate.key(), k -> new Recommendation(candidate))
                        .add(t.fingerprint(), plan, trial);
            }
        }
        m.put("indexCandidates", tried);
        return m;
    }

    private static Map<String, Object> finding(Finding f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", f.rule());
        m.put("severity", f.severity().name().toLowerCase(java.util.Locale.ROOT));
        m.put("node", f.node());
        m.put("message", f.message());
        m.put("suggestion", f.suggestion());
        return m;
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // reported by the next statement on the connection, if it matters
        }
    }

    /** One recommended index and the statements it helped, keeping the largest verified cut. */
    private static final class Recommendation {
        final IndexAdvisor.Candidate candidate;
        final Set<String> statements = new LinkedHashSet<>();
        double costBefore;
        double costAfter;
        double msBefore = -1;
        double msAfter = -1;

        Recommendation(IndexAdvisor.Candidate candidate) {
            this.candidate = candidate;
        }

        double reduction() {
            return costBefore <= 0 ? 0 : (costBefore - costAfter) / costBefore;
        }

        void add(String fingerprint, Plan before, IndexAdvisor.Trial trial) {
            statements.add(fingerprint);
            double cut = before.totalCost() <= 0 ? 0 : (before.totalCost() - trial.costAfter()) / before.totalCost();
            if (statements.size() == 1 || cut > reduction()) {
                costBefore = before.totalCost();
                costAfter = trial.costAfter();
                msBefore = before.executionMs();
                msAfter = trial.msAfter();
            }
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("table", candidate.table().qualified());
            m.put("columns", candidate.columns());
            m.put("create", candidate.ddl(null, true));
            m.put("costBefore", costBefore);
            m.put("costAfter", costAfter);
            m.put("costReductionPercent", IndexAdvisor.percent(costBefore, costAfter));
            if (msBefore >= 0 && msAfter >= 0) {
                m.put("msBefore", msBefore);
                m.put("msAfter", msAfter);
            }
            m.put("statements", List.copyOf(statements));
            return m;
        }
    }

    /** Bounds every statement of the analysis session, so that a long EXPLAIN ANALYZE cannot run away. */
    private static void limit(Connection c, long statementTimeoutMs) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET statement_timeout = " + statementTimeoutMs);
        }
    }
}
