package dev.perfgate.sut.db;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Fills the schema with a wedding-planning business of realistic shape, identical for the same scale and seed.
 *
 * <p>Shape: organization sizes and vendor popularity follow Zipf distributions (a few large planners, a few vendors
 * everybody books), weddings cluster in June, September and October and on Saturdays, and each couple's bookings,
 * budget, payments, tasks and guest list follow from its wedding date and status. {@code SUT_SCALE=1} gives about
 * 1.1 million rows.
 *
 * <p>Speed: a single-threaded plan fixes every value that other tables refer to, then each table is streamed
 * through {@code COPY} on its own connection. When the role may set {@code session_replication_role} (a superuser,
 * as on the embedded database), foreign-key triggers are skipped for the bulk load — the plan guarantees the keys —
 * and tables load in parallel; otherwise they load one by one in key order with the checks on.
 *
 * <p>Determinism: every random choice comes from a {@link SplittableRandom} seeded from the seed and the table, and
 * no value depends on the clock: "today" for the data is the fixed {@link #ANCHOR}.
 */
public final class Seeder {
    private static final Logger LOG = Logger.getLogger(Seeder.class.getName());

    /** The data's "today": wedding status, task completion and notification ages are relative to it. */
    public static final LocalDate ANCHOR = LocalDate.of(2026, 3, 1);

    /** Tables in foreign-key order (referenced before referencing). */
    public static final List<String> TABLES = SeedTables.ALL.stream().map(SeedTables.Table::name).toList();

    private final double scale;
    private final long seed;

    public Seeder(double scale, long seed) {
        this.scale = scale;
        this.seed = seed;
    }

    /** Rows written per table and the wall time of the whole seed. */
    public record Result(Map<String, Long> rows, long nanos, boolean parallel) {
        /** Returns the total rows written. */
        public long totalRows() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Returns rows written per second of wall time. */
        public double rowsPerSecond() {
            return totalRows() / (nanos / 1e9);
        }
    }

    /** Returns whether the schema holds no data yet (the seeder's cue at start-up). */
    public static boolean isEmpty(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM organizations)")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Empties every table and restarts the identities (the seed command's {@code --reset}). */
    public static void truncate(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + String.join(", ", TABLES) + " RESTART IDENTITY CASCADE");
        }
    }

    /** Seeds an empty schema and returns what it wrote. */
    public Result seed(DataSource ds) throws SQLException {
        long start = System.nanoTime();
        SeedTables tables = new SeedTables(new SeedPlan(scale, seed));
        boolean parallel = canSkipForeignKeyChecks(ds);
        Map<String, Long> rows = new LinkedHashMap<>();
        if (parallel) {
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
            try {
                List<Future<Long>> futures = new ArrayList<>();
                // Largest tables first, so the pool is not left waiting on one big table at the end.
                List<String> order = List.of("guests", "tasks", "budget_items", "payments", "analytics_events",
                        "notifications", "reviews", "bookings", "clients", "vendors", "planners", "organizations");
                for (String table : order) {
                    futures.add(pool.submit(() -> load(ds, table, tables, true)));
                }
                for (int i = 0; i < order.size(); i++) {
                    rows.put(order.get(i), futures.get(i).get());
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql;
                }
                throw new IllegalStateException("seeding failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("seeding interrupted", e);
            } finally {
                pool.shutdownNow();
            }
        } else {
            for (String table : TABLES) {
                rows.put(table, load(ds, table, tables, false));
            }
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                s.execute("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), "
                        + "GREATEST((SELECT max(id) FROM " + table + "), 1))");
            }
            s.execute("ANALYZE");
        }
        Map<String, Long> ordered = new LinkedHashMap<>();
        TABLES.forEach(t -> ordered.put(t, rows.get(t)));
        Result result = new Result(ordered, System.nanoTime() - start, parallel);
        LOG.info(() -> String.format("seeded %,d rows in %.1f s (%,.0f rows/s, %s) at scale %s, seed %d",
                result.totalRows(), result.nanos() / 1e9, result.rowsPerSecond(),
                parallel ? "parallel COPY" : "sequential COPY", scale, seed));
        return result;
    }

    private static boolean canSkipForeignKeyChecks(DataSource ds) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute("RESET session_replication_role");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private long load(DataSource ds, String name, SeedTables tables, boolean skipForeignKeyChecks)
            throws SQLException {
        SeedTables.Table table = SeedTables.named(name);
        try (Connection c = ds.getConnection()) {
            if (skipForeignKeyChecks) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET session_replication_role = replica");
                }
            }
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            long count;
            String copy = "COPY " + table.name() + " (" + table.columns() + ") FROM STDIN";
            try (PGCopyOutputStream out = new PGCopyOutputStream(c.unwrap(PGConnection.class), copy, 1 << 16);
                 Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
                CopyWriter rows = new CopyWriter(w);
                SplittableRandom random = new SplittableRandom(seed * 1_000_003L + TABLES.indexOf(name) * 7919L);
                table.rows().write(tables, rows, random);
                count = rows.count;
            } catch (IOException e) {
                c.rollback();
                throw new SQLException("COPY into " + name + " failed: " + e.getMessage(), e);
            }
            c.commit();
            c.setAutoCommit(autoCommit);
            if (skipForeignKeyChecks) {
                try (Statement s = c.createStatement()) {
                    s.execute("RESET session_replication_role");
                }
            }
            return count;
        }
    }
}
