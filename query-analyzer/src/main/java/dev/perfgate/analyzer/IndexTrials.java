package dev.perfgate.analyzer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.perfgate.analyzer.plan.Plan;
import dev.perfgate.analyzer.plan.PlanNode;

/**
 * How the advisor plans a statement as if candidate indexes existed, without making the table's writers wait.
 *
 * <p>{@link HypotheticalIndexes} (HypoPG) builds nothing and takes no lock a writer would wait for: the planner
 * simply believes the indexes exist, so several can be tried together. {@link BuiltIndexes} is the fallback on a
 * database without HypoPG: it really builds each candidate in a transaction that is rolled back, so the table's
 * writers wait for the build; it therefore waits at most a short {@code lock_timeout} for its lock (a busy table is
 * skipped, not queued behind), builds only on tables below a size limit, and holds its lock only for the build and one
 * plain EXPLAIN — never through EXPLAIN ANALYZE.
 */
public interface IndexTrials {

    /** What a plan with the candidates in place came to, or why it could not be taken. */
    record Outcome(double cost, Set<String> used, String skipped) {
        static Outcome skipped(String why) {
            return new Outcome(Double.NaN, Set.of(), why);
        }

        boolean ok() {
            return skipped == null;
        }
    }

    /** How candidates are tried, with the limits of the fallback. */
    enum Mode { AUTO, HYPOPG, BUILD }

    /**
     * @param mode           auto: HypoPG where it is installed or can be created, else builds
     * @param lockTimeoutMs  the fallback's wait for its lock on a table before it skips it as busy
     * @param buildTimeoutMs the fallback gives up building a candidate after this long
     * @param maxBuildRows   the fallback builds only on tables with at most this many rows (0: any size, explicitly)
     */
    record Settings(Mode mode, long lockTimeoutMs, long buildTimeoutMs, long maxBuildRows) {
        public static final Settings DEFAULT = new Settings(Mode.AUTO, 50, 10_000, 20_000);

        /** The same limits with another mode. */
        public Settings withMode(Mode other) {
            return new Settings(other, lockTimeoutMs, buildTimeoutMs, maxBuildRows);
        }
    }

    /** "hypopg" or "build": how this one tries candidates. */
    String method();

    /** Whether several candidates can be tried in one plan at no cost to writers. */
    boolean together();

    /**
     * Plans a statement with the candidates in place. The connection has auto-commit off and no open transaction;
     * it has none again afterwards.
     */
    Outcome plan(Connection c, String sql, List<IndexAdvisor.Candidate> candidates);

    /** Picks HypoPG when the settings allow it and the database has it; returns the fallback otherwise. */
    static IndexTrials choose(Connection c, Settings settings, StringBuilder note) throws SQLException {
        if (settings.mode() != Mode.BUILD) {
            if (HypotheticalIndexes.installed(c)) {
                return new HypotheticalIndexes(false);
            }
            String why = HypotheticalIndexes.creatable(c);
            if (why == null) {
                return new HypotheticalIndexes(true);
            }
            if (settings.mode() == Mode.HYPOPG) {
                throw new SQLException("HypoPG was asked for and cannot be used: " + why);
            }
            note.append("HypoPG not used (").append(why).append("); candidates are built for real, each in a"
                    + " rolled-back transaction, on tables of at most ").append(settings.maxBuildRows() == 0 ? "any"
                    : String.format(Locale.ROOT, "%,d", settings.maxBuildRows())).append(" rows, waiting at most ")
                    .append(settings.lockTimeoutMs()).append(" ms for the lock");
        }
        return new BuiltIndexes(settings);
    }

    /**
     * Plans the statement with the trial's indexes in place and names the candidates (by key) whose index, known to
     * the plan by its name, the plan uses.
     */
    static Outcome planWith(Connection c, String sql, Map<String, String> keyByIndexName) throws SQLException {
        Plan plan = Explainer.explain(c, sql);
        Set<String> used = new LinkedHashSet<>();
        for (PlanNode node : plan.nodes()) {
            String key = node.indexName() == null ? null : keyByIndexName.get(node.indexName());
            if (key != null) {
                used.add(key);
            }
        }
        return new Outcome(plan.totalCost(), used, null);
    }

    /** Rolls back, ignoring a failure: the next statement on the connection reports it, if it matters. */
    static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // see above
        }
    }

    /** Returns the first column of the first row, or null. */
    static String first(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
