package dev.perfgate.analyzer.plan;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import dev.perfgate.analyzer.TestDatabase;

/**
 * A schema of its own ({@code lab}) on the test database, built to provoke plan problems: {@code events} has 200,000
 * rows, a foreign key to {@code accounts} that no index serves, indexes on kind, email and created_at, two perfectly
 * correlated columns ({@code a}, {@code b}), an email column in the C collation (so that its B-tree index serves LIKE
 * prefixes on any database's default collation) and autovacuum off (so its visibility map stays empty); {@code fresh}
 * has never been analyzed.
 */
final class Lab {
    private static boolean built;

    private Lab() {
    }

    static synchronized DataSource dataSource() throws SQLException {
        DataSource ds = TestDatabase.dataSource();
        if (!built) {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS lab CASCADE");
                s.execute("CREATE SCHEMA lab");
                s.execute("CREATE TABLE lab.accounts (id bigint PRIMARY KEY, name text NOT NULL)");
                s.execute("INSERT INTO lab.accounts SELECT g, 'account ' || g FROM generate_series(1, 2000) g");
                s.execute("""
                        CREATE TABLE lab.events (
                            id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES lab.accounts (id),
                            kind text NOT NULL, email text COLLATE "C" NOT NULL, created_at timestamptz NOT NULL,
                            a integer NOT NULL, b integer NOT NULL, payload text NOT NULL
                        ) WITH (autovacuum_enabled = false)""");
                s.execute("""
                        INSERT INTO lab.events
                        SELECT g, 1 + g % 2000, (ARRAY['view', 'click', 'buy', 'share', 'save'])[1 + g % 5],
                               'user' || g || '@example.com', timestamptz '2026-01-01 00:00Z' + g * interval '1 minute',
                               g % 100, g % 100, md5(g::text) || repeat('x', 40)
                        FROM generate_series(1, 200000) g""");
                s.execute("CREATE INDEX events_kind_idx ON lab.events (kind)");
                s.execute("CREATE INDEX events_email_idx ON lab.events (email)");
                s.execute("CREATE INDEX events_created_idx ON lab.events (created_at)");
                s.execute("ANALYZE lab.accounts");
                s.execute("ANALYZE lab.events");
                s.execute("CREATE TABLE lab.fresh (id bigint, note text) WITH (autovacuum_enabled = false)");
                s.execute("INSERT INTO lab.fresh SELECT g, 'n' || g FROM generate_series(1, 5000) g");
            }
            built = true;
        }
        return ds;
    }

    /** Plans a statement (EXPLAIN, with ANALYZE when asked) after the session settings given, and analyzes it. */
    static PlanAnalyzer.Analysis analyze(String sql, boolean analyze, String... settings) throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET LOCAL max_parallel_workers_per_gather = 0");
            for (String setting : settings) {
                s.execute("SET LOCAL " + setting);
            }
            Plan plan;
            try (ResultSet rs = s.executeQuery("EXPLAIN (" + (analyze ? "ANALYZE, BUFFERS, " : "") + "FORMAT JSON) "
                    + sql)) {
                rs.next();
                plan = Plan.parse(rs.getString(1));
            }
            Schema schema = Schema.load(c);
            c.rollback();
            return PlanAnalyzer.analyze(plan, schema, sql);
        }
    }
}
