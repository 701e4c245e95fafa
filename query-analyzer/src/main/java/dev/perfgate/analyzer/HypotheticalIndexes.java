package dev.perfgate.analyzer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Candidates as HypoPG hypothetical indexes: {@code hypopg_create_index} makes the planner of this session believe
 * an index exists; nothing is built and no lock is taken that a writer would wait for, so all candidates of a
 * statement can be tried in one plan and the planner picks among them. Costs only: a hypothetical index cannot be
 * executed, so no timing with it exists.
 *
 * <p>Where the extension is available but not installed in the database, it is created inside the trial's
 * transaction and rolled back with it (this needs the privilege to create it); the hypothetical indexes, which
 * live in the session and not in the transaction, are reset before the rollback.
 */
final class HypotheticalIndexes implements IndexTrials {
    private final boolean createInTransaction;

    HypotheticalIndexes(boolean createInTransaction) {
        this.createInTransaction = createInTransaction;
    }

    static boolean installed(Connection c) throws SQLException {
        try {
            return IndexTrials.first(c, "SELECT 1 FROM pg_extension WHERE extname = 'hypopg'") != null;
        } finally {
            IndexTrials.rollback(c);
        }
    }

    /** For a database without the extension installed: why it cannot be created here, or null when it can. */
    static String creatable(Connection c) throws SQLException {
        try {
            if (IndexTrials.first(c, "SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'") == null) {
                return "the extension is not available on the server: install it (Debian: apt-get install"
                        + " postgresql-<version>-hypopg)";
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE EXTENSION hypopg");
                return null;
            } catch (SQLException e) {
                return "CREATE EXTENSION hypopg failed: " + e.getMessage() + "; run it once as a superuser";
            }
        } finally {
            IndexTrials.rollback(c);
        }
    }

    @Override
    public String method() {
        return "hypopg";
    }

    @Override
    public boolean together() {
        return true;
    }

    @Override
    public Outcome plan(Connection c, String sql, List<IndexAdvisor.Candidate> candidates) {
        boolean created = false;
        try {
            if (createInTransaction) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE EXTENSION IF NOT EXISTS hypopg");
                }
            }
            created = true;
            Map<String, String> keyByName = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT indexname FROM hypopg_create_index(?)")) {
                for (IndexAdvisor.Candidate candidate : candidates) {
                    ps.setString(1, candidate.ddl(null, false));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        keyByName.put(rs.getString(1), candidate.key());
                    }
                }
            }
            return IndexTrials.planWith(c, sql, keyByName);
        } catch (SQLException e) {
            return Outcome.skipped("hypopg: " + e.getMessage());
        } finally {
            if (created) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT hypopg_reset()"); // session state: a rollback would not clear it
                } catch (SQLException ignored) {
                    // an aborted transaction: the rollback below ends it; hypopg drops its entries with the session
                }
            }
            IndexTrials.rollback(c);
        }
    }
}
