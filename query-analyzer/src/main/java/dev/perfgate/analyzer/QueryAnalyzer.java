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
    public Map<String, Object> analyze(List<Target> targets) throws SQLException {
        return analyze(targets, false);
    }

    /** As {@link #analyze(List)}; with {@code keepPlans} each statement carries its EXPLAIN JSON too. */
    public Map<String, Object> analyze(List<Target> targets, boolean keepPlans) throws SQLException {
        List<Map<String, Object>> statements = new ArrayList<>();
        Map<String, Recommendation> recommendations = new LinkedHashMap<>();
        List<Served> served = new ArrayList<>();
        List<Map<String, Object>> dropped = new ArrayList<>();
        List<Map<String, Object>> rejected = new ArrayList<>();
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
            Map<String, Long> writes = tableWrites(c);
            c.rollback();
            if (options.adviseIndexes()) {
                trials = IndexTrials.choose(c, options.trials(), note);
            }
            for (Target t : unique.values()) {
                Map<String, Object> m = analyzeOne(c, schema, t, trials, recommendations, served, keepPlans);
                if (occurrences.get(t.fingerprint()) > 1) {
                    m.put("occurrences", occurrences.get(t.fingerprint()));
                }
                statements.add(m);
            }
            if (trials != null) {
                minimize(c, trials, recommendations, served, dropped);
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
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("index", r.candidate.ddl(null, false));
                        m.put("reason", "measured slower with it: " + r.timing.timings().stream().filter(
                                TimedCheck.Timing::slower).map(x -> TimedCheck.format(x.msBefore()) + " ms -> "
                                + TimedCheck.format(x.msAfter()) + " ms").collect(java.util.stream.Collectors
                                .joining("; ")) + " (medians of " + TimedCheck.RUNS + " EXPLAIN ANALYZE runs, with"
                                + " every recommended index built), though the planner's cost fell "
                                + IndexAdvisor.percent(r.costBefore, r.costAfter) + " %");
                        m.put("timing", r.timingMap());
                        m.put("statements", List.copyOf(r.statements));
                        rejected.add(m);
                    }
                }
            }
            recommendations.values().forEach(r -> r.tableWrites = writes.get(r.candidate.table().qualified()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("analyzedAt", Instant.now().toString());
        body.put("explainAnalyze", options.explainAnalyze());
        body.put("indexAdvisor", options.adviseIndexes());
        if (trials != null) {
            body.put("indexTrials", trials.method());
            if (!note.isEmpty()) {
                body.put("indexTrialsNote", note.toString());
            }
        }
        body.put("statements", statements);
        body.put("indexRecommendations", recommendations.values().stream()
                .sorted((a, b) -> Double.compare(b.reduction(), a.reduction())).map(Recommendation::toMap).toList());
        if (!dropped.isEmpty()) {
            body.put("droppedAlternatives", dropped);
        }
        if (options.verifyTiming()) {
            body.put("verifyTiming", true);
        }
        if (!rejected.isEmpty()) {
            body.put("rejectedByTiming", rejected);
        }
        return body;
    }

    /** A statement and the indexes chosen for it: the minimal set must keep serving it. */
    private record Served(String fingerprint, String sql, double costBefore, double costBest, Set<String> chosen) {
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
    private static void minimize(Connection c, IndexTrials trials, Map<String, Recommendation> recommendations,
                                 List<Served> served, List<Map<String, Object>> dropped) {
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
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("index", r.candidate.ddl(null, false));
                d.put("reason", (prefix ? "its columns lead " + String.join(", ", instead) + ", which still at least"
                        + " halves the cost of its statements" : "its statements keep a plan within "
                        + Math.round((NEAR_BEST - 1) * 100) + " % of their best cost with " + String.join(", ", instead))
                        + " (planner cost " + String.join("; ", costs) + "): one index fewer to maintain on every"
                        + " write");
                d.put("statements", List.copyOf(r.statements));
                dropped.add(d);
            }
        }
    }

    /**
     * The share of rows holding a value, from {@code pg_stats}: its frequency among the most common values, else
     * what the other values share evenly. NaN where the column has no statistics.
     */
    private static IndexAdvisor.Frequencies frequencies(Connection c) {
        return (table, column, value) -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT most_common_vals::text,"
                    + " most_common_freqs, n_distinct, null_frac FROM pg_stats WHERE schemaname = ? AND tablename = ?"
                    + " AND attname = ?")) {
                ps.setString(1, table.schema());
                ps.setString(2, table.name());
                ps.setString(3, column);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Double.NaN;
                    }
                    List<String> values = rs.getString(1) == null ? List.of() : pgArray(rs.getString(1));
                    Float[] freqs = rs.getArray(2) == null ? new Float[0] : (Float[]) rs.getArray(2).getArray();
                    double common = 0;
                    for (int i = 0; i < Math.min(values.size(), freqs.length); i++) {
                        if (values.get(i).equals(value)) {
                            return freqs[i];
                        }
                        common += freqs[i];
                    }
                    double nDistinct = rs.getDouble(3);
                    double distinct = nDistinct < 0 ? -nDistinct * table.rows() : nDistinct;
                    double others = distinct - values.size();
                    return others >= 1 ? Math.max(0, 1 - common - rs.getDouble(4)) / others : Double.NaN;
                }
            } catch (SQLException e) {
                return Double.NaN;
            } finally {
                IndexTrials.rollback(c);
            }
        };
    }

    /** The elements of a PostgreSQL array literal such as {@code {pending,"on hold"}}. */
    static List<String> pgArray(String literal) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 1; i < literal.length() - 1; i++) {
            char ch = literal.charAt(i);
            if (quoted) {
                if (ch == '\\' && i + 1 < literal.length() - 1) {
                    current.append(literal.charAt(++i));
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    current.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
                any = true;
            } else if (ch == ',') {
                out.add(current.toString());
                current.setLength(0);
                any = false;
            } else {
                current.append(ch);
                any = true;
            }
        }
        if (any || !out.isEmpty()) {
            out.add(current.toString());
        }
        return out;
    }

    /** Rows inserted, updated and deleted per table since the statistics were reset: what each index adds to. */
    private static Map<String, Long> tableWrites(Connection c) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(
                "SELECT schemaname || '.' || relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    private Map<String, Object> analyzeOne(Connection c, Schema schema, Target t, IndexTrials trials,
                                           Map<String, Recommendation> recommendations, List<Served> served,
                                           boolean keepPlan) {
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
        boolean analyze = runsUnderAnalyze(t);
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
        List<Finding> workload = WorkloadChecks.check(t, plan, schema);
        if (!workload.isEmpty()) {
            List<Finding> all = new ArrayList<>(analysis.findings());
            all.addAll(workload);
            analysis = new PlanAnalyzer.Analysis(all, Math.max(0, analysis.score()
                    - workload.stream().mapToInt(f -> f.severity().penalty()).sum()));
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("generic", generic && !plan.sampleValues());
        if (plan.sampleValues()) {
            p.put("sampleValues", "the normalized text did not prepare (a typed literal became a marker):"
                    + " planned with sample values instead");
        }
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
        if (trials == null) {
            return m;
        }
        Map<String, Set<String>> read;
        try {
            read = Explainer.columnsRead(c, t.sql());
        } catch (SQLException e) {
            read = Map.of(); // no covering candidates then; the plain ones are still tried
        } finally {
            rollback(c);
        }
        List<IndexAdvisor.Candidate> candidates = new ArrayList<>(IndexAdvisor.candidates(plan, schema, frequencies(c),
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
        List<Map<String, Object>> tried = new ArrayList<>();
        for (IndexAdvisor.Candidate candidate : candidates) {
            IndexTrials.Outcome o = alone.get(candidate.key());
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("index", candidate.ddl(null, false));
            if (o == null) {
                if (together != null && !together.ok()) {
                    tm.put("skipped", together.skipped());
                } else {
                    tm.put("usedByPlan", false);
                    tm.put("note", "not used by the plan when every candidate was available");
                }
            } else if (!o.ok()) {
                tm.put("skipped", o.skipped());
            } else {
                tm.put("costAfter", o.cost());
                tm.put("costReductionPercent", IndexAdvisor.percent(before, o.cost()));
                tm.put("usedByPlan", o.used().contains(candidate.key()));
                if (!chosen.contains(candidate.key()) && o.used().contains(candidate.key()) && o.cost() <= enough) {
                    tm.put("note", "halves the cost too; " + String.join(", ", chosen) + " cuts it more");
                }
            }
            tm.put("recommended", chosen.contains(candidate.key()));
            tried.add(tm);
        }
        if (together != null) {
            Map<String, Object> tg = new LinkedHashMap<>();
            if (together.ok()) {
                tg.put("costAfter", together.cost());
                tg.put("costReductionPercent", IndexAdvisor.percent(before, together.cost()));
                tg.put("used", List.copyOf(together.used()));
            } else {
                tg.put("skipped", together.skipped());
            }
            m.put("allCandidatesTogether", tg);
        }
        if (!chosen.isEmpty()) {
            double best = chosen.size() == 1 ? alone.get(chosen.iterator().next()).cost() : together.cost();
            for (String key : chosen) {
                IndexAdvisor.Candidate candidate = candidates.stream().filter(x -> x.key().equals(key)).findFirst()
                        .orElseThrow();
                recommendations.computeIfAbsent(key, k -> new Recommendation(candidate, trials.method()))
                        .add(t.fingerprint(), plan, best);
            }
            served.add(new Served(t.fingerprint(), t.sql(), before, best, chosen));
        }
        m.put("indexCandidates", tried);
        return m;
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

    /** Bounds every statement of the analysis session, so that a long EXPLAIN ANALYZE cannot run away. */
    private static void limit(Connection c, long statementTimeoutMs) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET statement_timeout = " + statementTimeoutMs);
        }
    }
}
