package dev.perfgate.analyzer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Logger;

import dev.perfgate.analyzer.plan.Plan;
import dev.perfgate.analyzer.plan.PlanNode;

/**
 * The measured check of the recommendations ({@code --verify-timing}): the planner's cost can prefer an index that
 * is slower in fact (an index in sort order that walks most of the table to find ten rows of one key), so the
 * recommended indexes are built for real, without blocking writers, and their statements timed with and without
 * them; an index a statement's plan used while that statement got slower is not recommended.
 *
 * <p>How it stays off the writers' path: the index is built with {@code CREATE INDEX CONCURRENTLY}, whose lock
 * (SHARE UPDATE EXCLUSIVE) does not conflict with INSERT, UPDATE or DELETE; waiting for older transactions is bounded
 * by the lock timeout (a busy table is skipped, not queued behind); the statements are timed under
 * {@code EXPLAIN ANALYZE} in read-only transactions ({@value #RUNS} runs each, before and after, medians compared);
 * the indexes are dropped with {@code DROP INDEX CONCURRENTLY}. While they exist other sessions' plans may use
 * them too.
 * Indexes are named {@value #PREFIX}&lt;backend pid&gt;_&lt;n&gt;; a killed run's leftovers (their backend gone)
 * are dropped at the next run's start.
 */
final class TimedCheck {
    private static final Logger LOG = Logger.getLogger(TimedCheck.class.getName());
    static final String PREFIX = "perfgate_timing_";
    static final int RUNS = 3;
    /** Slower means a median this much above the median without the index (and 0.05 ms at least: timer noise). */
    static final double SLOWER = 1.10;
    private static int sequence;

    private TimedCheck() {
    }

    /**
     * One statement timed without and with the recommended indexes: medians of {@value #RUNS} EXPLAIN ANALYZE runs,
     * in ms, and whether its plan with them used this recommendation's index.
     */
    record Timing(String fingerprint, double msBefore, double msAfter, boolean used) {
        boolean slower() {
            return used && msAfter > msBefore * SLOWER && msAfter - msBefore > 0.05;
        }
    }

    /** The timings of a recommendation's statements, or why they were not taken. */
    record Result(List<Timing> timings, String skipped) {
        boolean slower() {
            return timings.stream().anyMatch(Timing::slower);
        }

        static Result skipped(String why) {
            return new Result(List.of(), why);
        }
    }

    /** A recommendation to time: the index and the statements it serves (those that can be timed). */
    record Subject(IndexAdvisor.Candidate candidate, List<QueryAnalyzer.Target> statements) {
    }

    /** Drops the timing indexes of runs whose database session is gone (a run killed before it dropped its own). */
    static void dropLeftovers(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT quote_ident(n.nspname) || '.' || quote_ident(i.relname)
                FROM pg_class i JOIN pg_namespace n ON n.oid = i.relnamespace
                WHERE i.relkind = 'i' AND i.relname LIKE 'perfgate\\_timing\\_%'
                  AND split_part(i.relname, '_', 3)::int NOT IN (SELECT pid FROM pg_stat_activity)""")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        c.rollback();
        for (String name : names) {
            withAutoCommit(c, s -> s.execute("DROP INDEX CONCURRENTLY IF EXISTS " + name));
            LOG.info(() -> "dropped " + name + ", left by an earlier --verify-timing run");
        }
    }

    /**
     * Times every subject's statements (read-only, values written in) without the indexes, builds all the indexes
     * concurrently — together, as the recommendations are meant to exist (two that only help together, the sides of
     * a BitmapOr, would each look useless alone) — times the statements again, and drops the indexes. A statement
     * that got slower counts against the indexes its plan used. The connection has auto-commit off and no open
     * transaction, before and after.
     */
    static Map<IndexAdvisor.Candidate, Result> check(Connection c, List<Subject> subjects,
                                                      IndexTrials.Settings settings) {
        Map<IndexAdvisor.Candidate, Result> out = new LinkedHashMap<>();
        Map<String, QueryAnalyzer.Target> timed = new LinkedHashMap<>();
        for (Subject subject : subjects) {
            if (subject.statements().isEmpty()) {
                out.put(subject.candidate(), Result.skipped("none of its statements could be timed (read-only"
                        + " statements with values written in, under --explain-analyze)"));
            }
            subject.statements().forEach(t -> timed.putIfAbsent(t.fingerprint(), t));
        }
        if (timed.isEmpty()) {
            return out;
        }
        Map<String, Double> before = new HashMap<>();
        try {
            for (QueryAnalyzer.Target t : timed.values()) {
                before.put(t.fingerprint(), median(c, t.sql()).ms());
            }
        } catch (SQLException e) {
            subjects.forEach(s -> out.putIfAbsent(s.candidate(), Result.skipped("timing without the indexes failed: "
                    + AnalyzeCommand.oneLine(e))));
            return out;
        }
        Map<IndexAdvisor.Candidate, String> built = new LinkedHashMap<>();
        try {
            int pid = backendPid(c);
            String timeout = show(c, "statement_timeout");
            for (Subject subject : subjects) {
                if (out.containsKey(subject.candidate())) {
                    continue;
                }
                String name = PREFIX + pid + "_" + next();
                built.put(subject.candidate(), name);
                String failure = buildConcurrently(c, subject.candidate().ddl(name, true), settings, timeout);
                if (failure != null) {
                    out.put(subject.candidate(), Result.skipped(failure));
                }
            }
            Map<String, Measured> after = new HashMap<>();
            for (QueryAnalyzer.Target t : timed.values()) {
                after.put(t.fingerprint(), median(c, t.sql()));
            }
            for (Subject subject : subjects) {
                if (out.containsKey(subject.candidate())) {
                    continue;
                }
                String name = built.get(subject.candidate());
                List<Timing> timings = new ArrayList<>();
                for (QueryAnalyzer.Target t : subject.statements()) {
                    Measured m = after.get(t.fingerprint());
                    timings.add(new Timing(t.fingerprint(), before.get(t.fingerprint()), m.ms(),
                            m.indexes().contains(name)));
                }
                out.put(subject.candidate(), new Result(timings, null));
            }
        } catch (SQLException e) {
            subjects.forEach(s -> out.putIfAbsent(s.candidate(), Result.skipped("timing with the indexes failed: "
                    + AnalyzeCommand.oneLine(e))));
        } finally {
            for (Map.Entry<IndexAdvisor.Candidate, String> b : built.entrySet()) {
                // also removes what a failed or cancelled concurrent build leaves: an invalid index
                String qualified = IndexAdvisor.ident(b.getKey().table().schema()) + "." + b.getValue();
                try {
                    withAutoCommit(c, s -> s.execute("DROP INDEX CONCURRENTLY IF EXISTS " + qualified));
                } catch (SQLException e) {
                    LOG.warning(() -> "could not drop " + qualified + " (drop it by hand): "
                            + AnalyzeCommand.oneLine(e));
                }
            }
        }
        return out;
    }

    /** Builds an index concurrently within the limits; returns why it was not built, or null. */
    private static String buildConcurrently(Connection c, String ddl, IndexTrials.Settings settings, String timeout)
            throws SQLException {
        try {
            withAutoCommit(c, s -> {
                s.execute("SET lock_timeout = " + settings.lockTimeoutMs());
                s.execute("SET statement_timeout = " + settings.buildTimeoutMs());
                s.execute(ddl);
            });
            return null;
        } catch (SQLException e) {
            return "55P03".equals(e.getSQLState()) ? "busy: waited " + settings.lockTimeoutMs()
                    + " ms for older transactions on the table" : "57014".equals(e.getSQLState())
                    ? "the concurrent build took over " + settings.buildTimeoutMs() + " ms"
                    : "the concurrent build failed: " + AnalyzeCommand.oneLine(e);
        } finally {
            withAutoCommit(c, s -> {
                s.execute("RESET lock_timeout");
                s.execute("SET statement_timeout = '" + timeout + "'");
            });
        }
    }

    /** A median time and the indexes the statement's plan used. */
    private record Measured(double ms, Set<String> indexes) {
    }

    private static Measured median(Connection c, String sql) throws SQLException {
        double[] ms = new double[RUNS];
        Set<String> indexes = new HashSet<>();
        for (int i = 0; i < RUNS; i++) {
            try {
                Plan plan = Explainer.explainAnalyzeReadOnly(c, sql);
                ms[i] = plan.executionMs();
                plan.nodes().stream().map(PlanNode::indexName).filter(Objects::nonNull).forEach(indexes::add);
            } finally {
                c.rollback();
            }
        }
        Arrays.sort(ms);
        return new Measured(ms[RUNS / 2], indexes);
    }

    private static synchronized int next() {
        return ++sequence;
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        } finally {
            c.rollback();
        }
    }

    private static String show(Connection c, String setting) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        } finally {
            c.rollback();
        }
    }

    private interface Work {
        void run(Statement s) throws SQLException;
    }

    /** CREATE/DROP INDEX CONCURRENTLY cannot run in a transaction block: auto-commit for them, then back. */
    private static void withAutoCommit(Connection c, Work work) throws SQLException {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
            work.run(s);
        } finally {
            c.setAutoCommit(false);
        }
    }

    static String format(double ms) {
        return String.format(Locale.ROOT, "%.2f", ms);
    }
}
