package dev.perfgate.reports.history;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.perfgate.reports.JmhResults;
import dev.perfgate.reports.RunEnvironment;
import dev.perfgate.reports.RunResult;

/**
 * The history in a PostgreSQL database ({@code -Dperfgate.history=jdbc:postgresql://...}), in a schema made for
 * querying series: {@code perfgate_run} (one row per run: environment, simulation or "jmh", commit, start, validity,
 * and the run's own document for reading it back whole) and {@code perfgate_metric} (one row per run, request and
 * metric), e.g.
 * <pre>
 *   SELECT r.started_at, r.git_commit, m.value FROM perfgate_metric m JOIN perfgate_run r ON r.id = m.run_id
 *   WHERE r.environment = 'ci-2cpu-java25-linux-amd64' AND r.grp = 'PeakDaySimulation'
 *     AND m.request = 'client detail' AND m.metric = 'p95Ms' ORDER BY r.started_at;
 * </pre>
 * The tables are created when missing; each run is appended in one transaction, so a concurrent job sees all of it
 * or nothing.
 */
public final class PostgresHistory implements History {
    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS perfgate_run (
                id text PRIMARY KEY, kind text NOT NULL, environment text NOT NULL, grp text NOT NULL,
                git_commit text, started_at timestamptz NOT NULL, valid boolean NOT NULL, document jsonb NOT NULL);
            CREATE INDEX IF NOT EXISTS perfgate_run_series ON perfgate_run (environment, grp, started_at);
            CREATE TABLE IF NOT EXISTS perfgate_metric (
                run_id text NOT NULL REFERENCES perfgate_run (id) ON DELETE CASCADE, request text NOT NULL,
                metric text NOT NULL, value double precision NOT NULL, error double precision,
                higher_is_better boolean NOT NULL, timing boolean NOT NULL, PRIMARY KEY (run_id, request, metric));
            CREATE INDEX IF NOT EXISTS perfgate_metric_series ON perfgate_metric (request, metric);
            """;
    private final String url;
    private volatile boolean schemaReady;

    PostgresHistory(String url) {
        this.url = url;
    }

    @Override
    public String append(String idPrefix, RunResult result) {
        String id = StoredRuns.runId(idPrefix);
        store(HistoryEntry.of(id, result), StoredRuns.MAPPER.valueToTree(result));
        return id;
    }

    @Override
    public String appendJmh(JsonNode jmhResults, RunEnvironment environment, String profile, Instant startedAt) {
        List<JmhResults.Score> scores = JmhResults.parse(jmhResults);
        String id = StoredRuns.jmhId(startedAt);
        store(HistoryEntry.ofJmh(id, scores, environment, profile, startedAt),
                StoredRuns.jmhDocument(jmhResults, environment, profile, startedAt));
        return id;
    }

    private void store(HistoryEntry e, JsonNode document) {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement run = c.prepareStatement("INSERT INTO perfgate_run (id, kind, environment, grp,"
                    + " git_commit, started_at, valid, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)");
                 PreparedStatement metric = c.prepareStatement("INSERT INTO perfgate_metric (run_id, request, metric,"
                         + " value, error, higher_is_better, timing) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                run.setString(1, e.id());
                run.setString(2, e.kind());
                run.setString(3, e.environment());
                run.setString(4, e.group());
                run.setString(5, e.gitCommit());
                run.setTimestamp(6, Timestamp.from(e.startedAt()));
                run.setBoolean(7, e.valid());
                run.setString(8, StoredRuns.MAPPER.writeValueAsString(document));
                run.executeUpdate();
                for (HistoryEntry.Point p : e.points()) {
                    if (Double.isNaN(p.value()) || Double.isInfinite(p.value())) {
                        continue;
                    }
                    metric.setString(1, e.id());
                    metric.setString(2, p.subject());
                    metric.setString(3, p.metric());
                    metric.setDouble(4, p.value());
                    if (Double.isNaN(p.error())) {
                        metric.setNull(5, java.sql.Types.DOUBLE);
                    } else {
                        metric.setDouble(5, p.error());
                    }
                    metric.setBoolean(6, p.higherIsBetter());
                    metric.setBoolean(7, p.timing());
                    metric.addBatch();
                }
                metric.executeBatch();
                c.commit();
            } catch (SQLException | IOException ex) {
                c.rollback();
                throw ex;
            }
        } catch (SQLException | IOException ex) {
            throw new IllegalStateException("could not append to the history at " + describe() + ": "
                    + ex.getMessage(), ex);
        }
    }

    @Override
    public Loaded load(String environment) {
        List<HistoryEntry> entries = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, document::text FROM perfgate_run WHERE environment = ? ORDER BY started_at, id")) {
            ps.setString(1, environment);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        entries.add(StoredRuns.read(rs.getString(1), StoredRuns.MAPPER.readTree(rs.getString(2))));
                    } catch (IOException | RuntimeException e) {
                        problems.add(new Problem("perfgate_run " + rs.getString(1), String.valueOf(e.getMessage())
                                .lines().findFirst().orElse("unreadable")));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the history at " + describe() + ": " + e.getMessage(), e);
        }
        return new Loaded(entries, problems);
    }

    @Override
    public List<String> environments() {
        List<String> out = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT environment FROM perfgate_run ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the history at " + describe() + ": " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public RunResult result(String environment, String id) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT document::text FROM perfgate_run WHERE environment = ? AND id = ? AND kind = 'gatling'")) {
            ps.setString(1, environment);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? StoredRuns.MAPPER.readValue(rs.getString(1), RunResult.class) : null;
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("could not read run " + id + " from " + describe() + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return url.replaceAll("password=[^&]*", "password=***");
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url);
        if (!schemaReady) {
            // jobs starting at once would race on CREATE ... IF NOT EXISTS (it is not atomic against itself): the
            // tables are created under a transaction-scoped advisory lock, one job after the other
            try (Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("SELECT pg_advisory_xact_lock(hashtext('perfgate_history_schema'))");
                s.execute(SCHEMA);
                c.commit();
            } catch (SQLException e) {
                c.close();
                throw e;
            } finally {
                if (!c.isClosed()) {
                    c.setAutoCommit(true);
                }
            }
            schemaReady = true;
        }
        return c;
    }
}
