package dev.perfgate.bench;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.postgresql.ds.PGSimpleDataSource;

import dev.perfgate.embedded.EmbeddedPostgres;

/**
 * The classic query patterns, naive beside optimized, on one embedded PostgreSQL in one run:
 * <ul>
 *   <li>a page of 50 vendors loaded one query per vendor (N+1) vs one {@code = ANY(?)} query;</li>
 *   <li>1,000 ratings written by a per-row UPDATE loop vs one set-based {@code UPDATE … FROM unnest(…)}, and the
 *   other ways to send a set: a JDBC batch (pgjdbc pipelines it: one round trip, 1,000 statements), {@code COPY} into
 *   a temporary table joined by one UPDATE, and one UPDATE over {@code VALUES} with 2,000 parameters. unnest wins:
 *   two array parameters, one statement to plan, and the server's cost left is the work itself (a join of 1,000
 *   index probes and 1,000 new row versions), which is what bounds the speed-up over the loop;</li>
 *   <li>a page of 20 at row 100,000 of 200,000 by OFFSET vs by key (keyset).</li>
 * </ul>
 * Writes run in a transaction that rolls back, and the table leaves a tenth of each page free (fillfactor 90), so
 * that every invocation starts from the same table. A rating is in no index, so its new row version can stay on its
 * page (a HOT update, with no index entry), and PostgreSQL prunes the rolled-back versions when a later visit finds
 * the page short of room. On full pages every new version went to a new page with a new index entry that only VACUUM
 * removes: each invocation left 1,000 behind, the table grew several times over within a fork, and the set-based
 * update, which runs ten times as often as the loop, measured the bloat (6 ms at a fork's start, 12 ms at its end,
 * against 3 to 4 ms steady now).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar QueryPatternsBenchmark -rf json -rff patterns.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class QueryPatternsBenchmark {
    static final int ROWS = 200_000;
    private EmbeddedPostgres pg;
    private Connection c;
    private long[] page;
    private long[] updateIds;
    private java.math.BigDecimal[] updateRatings;

    @Setup(Level.Trial)
    public void start() throws SQLException {
        pg = EmbeddedPostgres.startFresh();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(pg.jdbcUrl());
        ds.setPrepareThreshold(1);
        c = ds.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE vendors (id bigint PRIMARY KEY, name text NOT NULL, category text NOT NULL,"
                    + " rating numeric(3,2) NOT NULL, review_count int NOT NULL) WITH (fillfactor = 90)");
            s.execute("INSERT INTO vendors SELECT g, 'Vendor ' || g, (ARRAY['venue','florist','music'])[1 + g % 3],"
                    + " (g % 500) / 100.0, g % 97 FROM generate_series(1, " + ROWS + ") g");
            s.execute("ANALYZE vendors");
        }
        page = new long[50];
        for (int i = 0; i < page.length; i++) {
            page[i] = 1 + (i * 3_989L) % ROWS;
        }
        updateIds = new long[1000];
        updateRatings = new java.math.BigDecimal[1000];
        for (int i = 0; i < 1000; i++) {
            updateIds[i] = 1 + i * 37L;
            updateRatings[i] = java.math.BigDecimal.valueOf(i % 500, 2);
        }
    }

    @TearDown(Level.Trial)
    public void stop() throws SQLException {
        c.close();
        pg.close();
    }

    @Benchmark
    public List<String> nPlusOnePage() throws SQLException {
        List<String> names = new ArrayList<>(page.length);
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name, category, rating, review_count FROM vendors"
                + " WHERE id = ?")) {
            for (long id : page) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    names.add(rs.getString(2));
                }
            }
        }
        return names;
    }

    @Benchmark
    public List<String> batchedPage() throws SQLException {
        List<String> names = new ArrayList<>(page.length);
        Long[] ids = new Long[page.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = page[i];
        }
        Array array = c.createArrayOf("bigint", ids);
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name, category, rating, review_count FROM vendors"
                + " WHERE id = ANY(?)")) {
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(2));
                }
            }
        }
        return names;
    }

    /** Work on the connection, measured with the transaction it runs in. */
    @FunctionalInterface
    private interface Work<T> {
        T run() throws Exception;
    }

    /** Runs work in one transaction that rolls back, so that every invocation finds the same table. */
    private <T> T rolledBack(Work<T> work) throws Exception {
        c.setAutoCommit(false);
        try {
            return work.run();
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public int perRowUpdateLoop() throws Exception {
        return rolledBack(() -> {
            int n = 0;
            try (PreparedStatement ps = c.prepareStatement("UPDATE vendors SET rating = ? WHERE id = ?")) {
                for (int i = 0; i < updateIds.length; i++) {
                    ps.setBigDecimal(1, updateRatings[i]);
                    ps.setLong(2, updateIds[i]);
                    n += ps.executeUpdate();
                }
            }
            return n;
        });
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public int setBasedUpdate() throws Exception {
        return rolledBack(() -> {
            Long[] ids = new Long[updateIds.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = updateIds[i];
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE vendors v SET rating = u.rating"
                    + " FROM unnest(?::bigint[], ?::numeric[]) AS u(id, rating) WHERE v.id = u.id")) {
                ps.setArray(1, c.createArrayOf("bigint", ids));
                ps.setArray(2, c.createArrayOf("numeric", updateRatings));
                return ps.executeUpdate();
            }
        });
    }

    @Benchmark
    public int jdbcBatchUpdate() throws Exception {
        return rolledBack(() -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE vendors SET rating = ? WHERE id = ?")) {
                for (int i = 0; i < updateIds.length; i++) {
                    ps.setBigDecimal(1, updateRatings[i]);
                    ps.setLong(2, updateIds[i]);
                    ps.addBatch();
                }
                int n = 0;
                for (int k : ps.executeBatch()) {
                    n += k;
                }
                return n;
            }
        });
    }

    @Benchmark
    public int valuesUpdate() throws Exception {
        return rolledBack(() -> {
            StringBuilder sql = new StringBuilder("UPDATE vendors v SET rating = u.rating FROM (VALUES ");
            for (int i = 0; i < updateIds.length; i++) {
                sql.append(i == 0 ? "(?::bigint, ?::numeric)" : ", (?, ?)");
            }
            sql.append(") AS u(id, rating) WHERE v.id = u.id");
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < updateIds.length; i++) {
                    ps.setLong(2 * i + 1, updateIds[i]);
                    ps.setBigDecimal(2 * i + 2, updateRatings[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    @Benchmark
    public long copyThenUpdate() throws Exception {
        return rolledBack(() -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE rating_updates (id bigint, rating numeric(3,2)) ON COMMIT DROP");
                StringBuilder rows = new StringBuilder(updateIds.length * 12);
                for (int i = 0; i < updateIds.length; i++) {
                    rows.append(updateIds[i]).append('\t').append(updateRatings[i].toPlainString()).append('\n');
                }
                new org.postgresql.copy.CopyManager(c.unwrap(org.postgresql.core.BaseConnection.class))
                        .copyIn("COPY rating_updates FROM STDIN", new java.io.StringReader(rows.toString()));
                return (long) s.executeUpdate("UPDATE vendors v SET rating = u.rating FROM rating_updates u"
                        + " WHERE v.id = u.id");
            }
        });
    }

    @Benchmark
    public long offsetDeepPage() throws SQLException {
        return sumIds("SELECT id FROM vendors ORDER BY id LIMIT 20 OFFSET 100000", -1);
    }

    @Benchmark
    public long keysetDeepPage() throws SQLException {
        return sumIds("SELECT id FROM vendors WHERE id > ? ORDER BY id LIMIT 20", 100_000);
    }

    private long sumIds(String sql, long after) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (after >= 0) {
                ps.setLong(1, after);
            }
            long sum = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sum += rs.getLong(1);
                }
            }
            return sum;
        }
    }
}
