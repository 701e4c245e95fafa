package dev.perfgate.bench;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.proxy.ParameterSetOperation;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
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
import dev.perfgate.analyzer.Fingerprint;
import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.query.StatementStats;
import dev.perfgate.sut.request.RequestContext;

/**
 * What the statement statistics cost per statement: a primary-key SELECT on raw pgjdbc beside the same SELECT through
 * datasource-proxy and {@link StatementStats} (timing, fingerprint, per-route and per-request attribution), on the
 * same embedded PostgreSQL in the same run; plus the listener alone and the fingerprint with and without its cache.
 * The figure to quote is the ratio monitoredPkSelect / rawPkSelect, and listenerOnly as the absolute overhead.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar QueryInterceptionBenchmark -rf json -rff query-interception.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class QueryInterceptionBenchmark {
    static final String SQL = "SELECT v.id, v.name, v.category, v.city, v.price_tier, v.rating, v.review_count,"
            + " v.email, v.created_at FROM vendors v WHERE v.id = ?";

    private EmbeddedPostgres pg;
    private DataSource raw;
    private StatementStats stats;

    @Setup(Level.Trial)
    public void startDatabase() throws SQLException {
        pg = EmbeddedPostgres.startFresh();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(pg.jdbcUrl());
        ds.setPrepareThreshold(1);
        raw = ds;
        try (Connection c = raw.getConnection()) {
            c.createStatement().execute("CREATE TABLE vendors (id bigint PRIMARY KEY, name text, category text,"
                    + " city text, price_tier smallint, rating numeric(3,2), review_count int, email text,"
                    + " created_at timestamptz);"
                    + " INSERT INTO vendors SELECT g, 'Vendor ' || g, 'venue', 'Austin', 2, 4.5, 10,"
                    + " 'v' || g || '@x.example', now() FROM generate_series(1, 10000) g; ANALYZE vendors");
        }
        stats = new StatementStats(5, new SimpleMeterRegistry(), null);
    }

    @TearDown(Level.Trial)
    public void stopDatabase() {
        pg.close();
    }

    /** One connection per thread, as a pooled request would hold; statements are prepared server-side once. */
    @State(Scope.Thread)
    public static class Connections {
        Connection rawConnection;
        Connection monitoredConnection;
        /** The request the monitored statements are filed under, as the service's borrow wraps them. */
        final RequestContext request = RequestContext.of("GET /api/vendors/{id}");
        QueryExecutionListener listener;
        long id;

        @Setup(Level.Trial)
        public void open(QueryInterceptionBenchmark b) throws SQLException {
            rawConnection = b.raw.getConnection();
            listener = b.stats.listenerFor(request);
            monitoredConnection = Database.watched(b.raw.getConnection(), "read", listener);
        }

        @TearDown(Level.Trial)
        public void close(QueryInterceptionBenchmark b) throws SQLException {
            b.stats.end(request);
            rawConnection.close();
            monitoredConnection.close();
        }

        long nextId() {
            id = id % 10_000 + 1;
            return id;
        }
    }

    private static String select(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(2);
            }
        }
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public String rawPkSelect(Connections c) throws SQLException {
        return select(c.rawConnection, c.nextId());
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public String monitoredPkSelect(Connections c) throws SQLException {
        return select(c.monitoredConnection, c.nextId());
    }

    /** What each borrow adds: wrapping the pooled connection with a listener bound to its request. */
    @Benchmark
    public Connection wrapPerBorrow(Connections c) {
        return Database.watched(c.rawConnection, "read", c.listener);
    }

    /** The listener's own work for one statement, without the database. */
    @State(Scope.Thread)
    public static class Synthetic {
        final ExecutionInfo execution = new ExecutionInfo();
        final List<QueryInfo> queries;

        public Synthetic() {
            execution.setSuccess(true);
            QueryInfo query = new QueryInfo(SQL);
            try {
                Method setLong = PreparedStatement.class.getMethod("setLong", int.class, long.class);
                query.getParametersList().add(List.of(new ParameterSetOperation(setLong, new Object[] {1, 42L})));
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
            queries = List.of(query);
        }

        final RequestContext request = RequestContext.of("GET /api/vendors/{id}");
        QueryExecutionListener listener;

        /** Runs inside a request, so per-request attribution is part of the measured work. */
        @Setup(Level.Trial)
        public void beginRequest(QueryInterceptionBenchmark b) {
            listener = b.stats.listenerFor(request);
        }

        @TearDown(Level.Trial)
        public void endRequest(QueryInterceptionBenchmark b) {
            b.stats.end(request);
        }
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public void listenerOnly(Synthetic s) {
        s.listener.beforeQuery(s.execution, s.queries);
        s.listener.afterQuery(s.execution, s.queries);
    }

    @Benchmark
    public String fingerprintCached() {
        return Fingerprint.of(SQL);
    }

    @Benchmark
    public String fingerprintUncached() {
        return Fingerprint.normalize(SQL);
    }
}
