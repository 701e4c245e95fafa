package dev.perfgate.analyzer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import dev.perfgate.analyzer.plan.Finding;
import dev.perfgate.analyzer.plan.Plan;
import dev.perfgate.analyzer.plan.PlanAnalyzer;
import dev.perfgate.analyzer.plan.Schema;

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
     * @param adviseIndexes   try candidate indexes (hypothetically with HypoPG, else built and rolled back)
     * @param trials          how candidates are tried, and the limits of real builds
     * @param verifyTiming    time each recommendation's statements with the index built concurrently
     *                        ({@link TimedCheck}) and drop the ones that made a statement slower
     */
    public record Options(boolean explainAnalyze, boolean adviseIndexes, IndexTrials.Settings trials,
                          boolean verifyTiming) {
        public Options(boolean explainAnalyze, boolean adviseIndexes) {
            this(explainAnalyze, adviseIndexes, IndexTrials.Settings.DEFAULT);
        }

        public Options(boolean explainAnalyze, boolean adviseIndexes, IndexTrials.Settings trials) {
            this(explainAnalyze, adviseIndexes, trials, false);
        }
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
    public Analysis analyze(List<Target> targets) throws SQLException {
        return analyze(targets, false);
    }

    /** As {@link #analyze(List)}; with {@code keepPlans} each statement carries its EXPLAIN JSON too. */
    public Analysis analyze(List<Target> targets, boolean keepPlans) throws SQLException {
        List<Analysis.Statement> statements = new ArrayList<>();
        Map<String, Recommendation> recommendations = new LinkedHashMap<>();
        List<MinimalIndexSet.Served> served = new ArrayList<>();
        List<Analysis.SetAside> dropped = new ArrayList<>();
        List<Analysis.SetAside> rejected = new ArrayList<>();
        StringBuilder note = new StringBuilder();
        IndexTrials trials = null;
        // the same statement twice is analyzed once: its occurrences are counted instead
        Map<String, Target> unique = new LinkedHashMap<>();
        Map<String, Integer> occurrences = new HashMap<>();
        for (Target t : targets) {
            unique.putIfAbsent(t.fingerprint(), t);
            occurrences.merge(t.fingerprint(), 1, Integer::sum);
        }
        try (Connection c = dataSource.getConnection()) {
            limit(c, Math.max(options.trials().buildTimeoutMs(), 60_000));
            c.setAutoCommit(false);
            Schema schema = Schema.load(c);
            Map<String, Long> writes = TableStatistics.tableWrites(c);
            c.rollback();
            if (options.adviseIndexes()) {
                trials = IndexTrials.choose(c, options.trials(), note);
            }
            for (Target t : unique.values()) {
                Analysis.Statement m = analyzeOne(c, schema, t, trials, recommendations, served, keepPlans);
                int times = occurrences.get(t.fingerprint());
                statements.add(times > 1 ? m.occurring(times) : m);
            }
            if (trials != null) {
                MinimalIndexSet.minimize(c, trials, recommendations, served, dropped);
            }
            if (trials != null && options.verifyTiming() && !recommendations.isEmpty()) {
                TimedCheck.dropLeftovers(c);
                List<TimedCheck.Subject> subjects = recommendations.values().stream()
                        .map(r -> new TimedCheck.Subject(r.candidate, r.statements.stream().map(unique::get)
                                .filter(this::runsUnderAnalyze)
                                .toList()))
                        .toList();
                Map<IndexAdvisor.Candidate, TimedCheck.Result> results = TimedCheck.check(c, subjects,
                        options.trials());
                for (Recommendation r : List.copyOf(recommendations.values())) {
                    r.timing = results.get(r.candidate);
                    if (r.timing != null && r.timing.slower()) {
                        recommendations.remove(r.candidate.key());
                        rejected.add(new Analysis.SetAside(r.candidate.ddl(null, false), "measured slower with it: "
                                + r.timing.timings().stream().filter(TimedCheck.Timing::slower)
                                .map(x -> TimedCheck.format(x.msBefore()) + " ms -> " + TimedCheck.format(x.msAfter())
                                        + " ms").collect(java.util.stream.Collectors.joining("; "))
                                + " (medians of " + TimedCheck.RUNS + " EXPLAIN ANALYZE runs, with every recommended"
                                + " index built), though the planner's cost fell "
                                + IndexAdvisor.percent(r.costBefore, r.costAfter) + " %", r.timingFigures(),
                                List.copyOf(r.statements)));
                    }
                }
            }
            recommendations.values().forEach(r -> r.tableWrites = writes.get(r.candidate.table().qualified()));
        }
        return new Analysis(Instant.now().toString(), options.explainAnalyze(), options.adviseIndexes(),
                trials == null ? null : trials.method(), trials == null || note.isEmpty() ? null : note.toString(),
                statements, recommendations.values().stream()
                        .sorted((a, b) -> Double.compare(b.reduction(), a.reduction()))
                        .map(Recommendation::figures).toList(),
                dropped.isEmpty() ? null : dropped, options.verifyTiming() ? Boolean.TRUE : null,
                rejected.isEmpty() ? null : rejected);
    }

    private Analysis.Statement analyzeOne(Connection c, Schema schema, Target t, IndexTrials trials,
                                          Map<String, Recommendation> recommendations,
                                          List<MinimalIndexSet.Served> served, boolean keepPlan) {
        if (!BoundSql.plannable(t.sql())) {
            return statement(t, "not a statement EXPLAIN plans", null, null, null);
        }
        boolean generic = BoundSql.hasNumberedMarkers(t.sql());
        boolean analyze = runsUnderAnalyze(t);
        Plan plan;
        try {
            plan = analyze ? Explainer.explainAnalyzeReadOnly(c, t.sql()) : Explainer.explain(c, t.sql());
        } catch (SQLException e) {
            return statement(t, e.getMessage(), null, null, null);
        } finally {
            rollback(c);
        }
        PlanAnalyzer.Analysis analysis = PlanAnalyzer.analyze(plan, schema, t.sql());
        List<Finding> workload = WorkloadChecks.check(t, plan, schema);
        if (!workload.isEmpty()) {
            List<Finding> all = new ArrayList<>(analysis.findings());
            all.addAll(workload);
            analysis = new PlanAnalyzer.Analysis(all, Math.max(0, analysis.score()
                    - workload.stream().mapToInt(f -> f.severity().penalty()).sum()));
        }
        Analysis.PlanSummary p = new Analysis.PlanSummary(generic && !plan.sampleValues(), plan.sampleValues()
                ? "the normalized text did not prepare (a typed literal became a marker): planned with sample values"
                + " instead" : null, plan.analyzed(), plan.totalCost(), plan.analyzed() ? plan.executionMs() : null,
                analysis.score(), analysis.findings().stream().map(QueryAnalyzer::finding).toList(),
                keepPlan ? plan.raw() : null);
        if (trials == null) {
            return statement(t, null, p, null, null);
        }
        Map<String, Set<String>> read;
        try {
            read = Explainer.columnsRead(c, t.sql());
        } catch (SQLException e) {
            read = Map.of(); // no covering candidates then; the plain ones are still tried
        } finally {
            rollback(c);
        }
        List<IndexAdvisor.Candidate> candidates = new ArrayList<>(IndexAdvisor.candidates(plan, schema, TableStatistics.frequencies(c),
                read));
        double before = plan.totalCost();
        double enough = before * (1 - IndexAdvisor.REQUIRED_REDUCTION);
        Map<String, IndexTrials.Outcome> alone = new LinkedHashMap<>();
        IndexTrials.Outcome together = null;
        if (trials.together() && !candidates.isEmpty()) {
            // all at once: the planner picks among them; only the ones it used are tried alone
            together = trials.plan(c, t.sql(), candidates);
            for (IndexAdvisor.Candidate candidate : candidates) {
                if (together.used().contains(candidate.key())) {
                    alone.put(candidate.key(), trials.plan(c, t.sql(), List.of(candidate)));
                }
            }
        } else {
            for (IndexAdvisor.Candidate candidate : candidates) {
                alone.put(candidate.key(), trials.plan(c, t.sql(), List.of(candidate)));
            }
        }
        // the fewest indexes that halve the cost: the single best one, else the set the planner combined
        Set<String> chosen = new LinkedHashSet<>();
        alone.entrySet().stream()
                .filter(e -> e.getValue().ok() && e.getValue().used().contains(e.getKey()) && e.getValue().cost() <= enough)
                .min(java.util.Comparator.comparingDouble(e -> e.getValue().cost()))
                .ifPresent(e -> chosen.add(e.getKey()));
        if (chosen.isEmpty() && together == null && candidates.size() > 1) {
            // real builds try candidates one at a time (a trial of several holds the table's lock for all their
            // builds); where none is enough alone, the set is tried once, as indexes that only help together (the
            // two sides of a BitmapOr) are found no other way
            together = trials.plan(c, t.sql(), candidates);
        }
        if (chosen.isEmpty() && together != null && together.ok() && !together.used().isEmpty()
                && together.cost() <= enough) {
            chosen.addAll(together.used());
        }
        preferPlainTwin(c, trials, t.sql(), candidates, alone, chosen, enough);
        List<Analysis.CandidateTrial> tried = new ArrayList<>();
        for (IndexAdvisor.Candidate candidate : candidates) {
            IndexTrials.Outcome o = alone.get(candidate.key());
            String index = candidate.ddl(null, false);
            boolean recommended = chosen.contains(candidate.key());
            if (o == null) {
                tried.add(together != null && !together.ok()
                        ? new Analysis.CandidateTrial(index, together.skipped(), null, null, null, null, recommended)
                        : new Analysis.CandidateTrial(index, null, null, null, false,
                        "not used by the plan when every candidate was available", recommended));
            } else if (!o.ok()) {
                tried.add(new Analysis.CandidateTrial(index, o.skipped(), null, null, null, null, recommended));
            } else {
                boolean used = o.used().contains(candidate.key());
                tried.add(new Analysis.CandidateTrial(index, null, o.cost(), IndexAdvisor.percent(before, o.cost()),
                        used, !recommended && used && o.cost() <= enough
                        ? "halves the cost too; " + String.join(", ", chosen) + " cuts it more" : null, recommended));
            }
        }
        Analysis.TogetherTrial allTogether = together == null ? null : together.ok()
                ? new Analysis.TogetherTrial(together.cost(), IndexAdvisor.percent(before, together.cost()),
                List.copyOf(together.used()), null)
                : new Analysis.TogetherTrial(null, null, null, together.skipped());
        if (!chosen.isEmpty()) {
            double best = chosen.size() == 1 ? alone.get(chosen.iterator().next()).cost() : together.cost();
            for (String key : chosen) {
                IndexAdvisor.Candidate candidate = candidates.stream().filter(x -> x.key().equals(key)).findFirst()
                        .orElseThrow();
                recommendations.computeIfAbsent(key, k -> new Recommendation(candidate, trials.method()))
                        .add(t.fingerprint(), plan, best);
            }
            served.add(new MinimalIndexSet.Served(t.fingerprint(), t.sql(), before, best, chosen));
        }
        return statement(t, null, p, allTogether, tried);
    }

    /** A statement's entry: its figures as given (a slow statement has none), then what the analysis found. */
    private static Analysis.Statement statement(Target t, String error, Analysis.PlanSummary plan,
                                                Analysis.TogetherTrial together, List<Analysis.CandidateTrial> tried) {
        boolean figures = t.calls() >= 0;
        return new Analysis.Statement(t.fingerprint(), t.sql(), figures ? t.calls() : null,
                figures ? t.totalMs() : null, figures ? t.meanMs() : null, error, plan, together, tried, null);
    }

    /**
     * Whether a statement is run under EXPLAIN ANALYZE (and so can be timed): asked for, values written in (a generic
     * plan has no values to run with), and read-only.
     */
    private boolean runsUnderAnalyze(Target t) {
        return options.explainAnalyze() && !BoundSql.hasNumberedMarkers(t.sql()) && BoundSql.readOnly(t.sql());
    }

    /** An index carrying columns (INCLUDE) is chosen over the same key without them only when it is this much cheaper. */
    static final double INCLUDE_PAYS = 0.8;

    /**
     * A covering index is larger and costs more on every write than its plain twin: it stays chosen only where the
     * index-only scan pays ({@value #INCLUDE_PAYS}x the twin's cost or less — it does not while the table's
     * visibility map is empty), else the plain key is chosen when it meets the bar itself.
     */
    private static void preferPlainTwin(Connection c, IndexTrials trials, String sql,
                                        List<IndexAdvisor.Candidate> candidates,
                                        Map<String, IndexTrials.Outcome> alone, Set<String> chosen, double enough) {
        if (chosen.size() != 1) {
            return;
        }
        String key = chosen.iterator().next();
        IndexAdvisor.Candidate covering = candidates.stream().filter(x -> x.key().equals(key)).findFirst().orElseThrow();
        if (covering.include().isEmpty()) {
            return;
        }
        IndexAdvisor.Candidate twin = covering.withoutInclude();
        IndexTrials.Outcome plain = alone.get(twin.key());
        if (plain == null) {
            plain = trials.plan(c, sql, List.of(twin));
        }
        if (plain.ok() && plain.used().contains(twin.key()) && plain.cost() <= enough
                && alone.get(key).cost() > plain.cost() * INCLUDE_PAYS) {
            chosen.clear();
            chosen.add(twin.key());
            alone.put(twin.key(), plain);
            if (candidates.stream().noneMatch(x -> x.key().equals(twin.key()))) {
                candidates.add(twin);
            }
        }
    }

    private static Analysis.PlanFinding finding(Finding f) {
        return new Analysis.PlanFinding(f.rule(), f.severity().name().toLowerCase(java.util.Locale.ROOT), f.node(),
                f.message(), f.suggestion());
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // reported by the next statement on the connection, if it matters
        }
    }

    /** Bounds every statement of the analysis session, so that a long EXPLAIN ANALYZE cannot run away. */
    private static void limit(Connection c, long statementTimeoutMs) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET statement_timeout = " + statementTimeoutMs);
        }
    }
}
