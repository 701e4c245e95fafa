package dev.perfgate.sut.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import net.ttddyy.dsproxy.ConnectionInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import net.ttddyy.dsproxy.proxy.ProxyConfig;
import org.postgresql.ds.PGSimpleDataSource;

import dev.perfgate.sut.query.StatementStats;
import dev.perfgate.sut.request.RequestContext;

/**
 * The two HikariCP pools: writes go to the primary, reads to the replica (the primary unless
 * {@code SUT_DB_READ_URL} names one). Every connection borrowed for work is wrapped by datasource-proxy with a
 * listener bound to the {@link RequestContext} of that work, so that the {@link StatementStats} sees every statement
 * and files it under its request; the raw pools stay reachable for pool metrics and health.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource writePool;
    private final HikariDataSource readPool;
    private final StatementStats statements;
    private final ConnectionGuard writeGuard;
    private final ConnectionGuard readGuard;

    public Database(PoolSettings config, Infrastructure infra, MeterRegistry registry, StatementStats statements) {
        MicrometerMetricsTrackerFactory metrics = new MicrometerMetricsTrackerFactory(registry);
        this.writePool = pool("perfgate-write", infra.primaryUrl(), config.writePoolSize(), false, config, metrics);
        this.readPool = pool("perfgate-read", infra.readUrl(), config.readPoolSize(), true, config, metrics);
        this.statements = statements;
        if (hasReplica()) {
            this.writeGuard = new ConnectionGuard("primary", List.of(writePool));
            this.readGuard = new ConnectionGuard("replica", List.of(readPool));
        } else { // both pools reach the primary: one guard for both, so that recovery renews both
            this.writeGuard = new ConnectionGuard("primary", List.of(writePool, readPool));
            this.readGuard = writeGuard;
        }
    }

    private static HikariDataSource pool(String name, String url, int size, boolean readOnly, PoolSettings config,
                                         MicrometerMetricsTrackerFactory metrics) {
        HikariConfig hc = poolConfig(name, url, size, readOnly, config);
        hc.setMetricsTrackerFactory(metrics);
        return new HikariDataSource(hc);
    }

    /** The pool settings the service runs with (public so that the pool benchmark measures exactly these). */
    public static HikariConfig poolConfig(String name, String url, int size, boolean readOnly, PoolSettings config) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setJdbcUrl(url);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(size);
        hc.setConnectionTimeout(config.connectionTimeoutMs());
        hc.setValidationTimeout(Math.min(1000, config.connectionTimeoutMs() - 1));
        hc.setLeakDetectionThreshold(config.leakDetectionMs());
        hc.setReadOnly(readOnly);
        hc.setAutoCommit(true);
        // Start even when the database is away for a moment; health reports it instead of the process dying.
        hc.setInitializationFailTimeout(-1);
        hc.addDataSourceProperty("ApplicationName", name);
        hc.addDataSourceProperty("options", "-c statement_timeout=" + config.statementTimeoutMs());
        // Server-side prepared statements after the first use: the service's statements are few and repeated.
        hc.addDataSourceProperty("prepareThreshold", "1");
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        return hc;
    }



    /**
     * Returns unpooled connections to the primary for migrations and seeding: without the request statement
     * timeout (a bulk COPY may take longer than any request should) and outside the pools' metrics.
     */
    public DataSource maintenance() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(writePool.getJdbcUrl());
        ds.setApplicationName("perfgate-maintenance");
        return ds;
    }

    /** Returns the raw write pool (metrics, health). */
    public HikariDataSource writePool() {
        return writePool;
    }

    /** Returns the raw read pool (metrics, health). */
    public HikariDataSource readPool() {
        return readPool;
    }

    /** Returns whether reads go to another server than writes. */
    public boolean hasReplica() {
        return !writePool.getJdbcUrl().equals(readPool.getJdbcUrl());
    }

    /** Returns the breaker of the primary (health). */
    public ConnectionGuard writeGuard() {
        return writeGuard;
    }

    /** Returns the breaker of the read pool: the primary's unless a replica is configured (health). */
    public ConnectionGuard readGuard() {
        return readGuard;
    }

    /**
     * Runs work in one write transaction, committing on success and rolling back on any exception. While the
     * primary is known to be down it fails at once (see {@link ConnectionGuard}).
     */
    public <T> T inTransaction(RequestContext request, SqlWork<T> work) throws SQLException {
        writeGuard.ensureReachable();
        try (Connection c = monitored(writePool, "write", request)) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException broken) {
                    e.addSuppressed(broken); // a lost connection cannot roll back; the original failure is the news
                }
                throw e;
            }
        } catch (SQLException e) {
            throw writeGuard.observe(e);
        }
    }

    /**
     * Runs work of a single write statement on a write connection in autocommit, so that the statement is its own
     * transaction: the rows it locks stay locked only while the database runs it. In a transaction they stay locked
     * until the commit, and between statements the request's virtual thread may wait for a carrier; on a saturated
     * machine such waits held pooled connections and row locks for hundreds of milliseconds. While the primary is
     * known to be down it fails at once.
     */
    public <T> T autocommit(RequestContext request, SqlWork<T> work) throws SQLException {
        return onConnection(writePool, "write", writeGuard, request, work);
    }

    /** Borrows a monitored read connection the caller closes (a streaming export holds one for the whole stream). */
    public Connection readConnection(RequestContext request) throws SQLException {
        readGuard.ensureReachable();
        try {
            return monitored(readPool, "read", request);
        } catch (SQLException e) {
            throw readGuard.observe(e);
        }
    }

    /** Runs read-only work on a read connection; fails at once while the read database is known to be down. */
    public <T> T read(RequestContext request, SqlWork<T> work) throws SQLException {
        return onConnection(readPool, "read", readGuard, request, work);
    }

    /** Runs work on a monitored connection of the pool as it comes (autocommit), behind the pool's breaker. */
    private <T> T onConnection(HikariDataSource pool, String name, ConnectionGuard guard, RequestContext request,
                               SqlWork<T> work) throws SQLException {
        guard.ensureReachable();
        try (Connection c = monitored(pool, name, request)) {
            return work.run(c);
        } catch (SQLException e) {
            throw guard.observe(e);
        }
    }

    /**
     * Borrows a pooled connection and wraps it so that its statements are filed under the request: what
     * datasource-proxy's own data source does per borrow, with a listener of this request instead of a shared one.
     */
    private Connection monitored(HikariDataSource pool, String name, RequestContext request) throws SQLException {
        Connection raw = pool.getConnection();
        try {
            return watched(raw, name, statements.listenerFor(request));
        } catch (RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Wraps a connection so that a listener sees its statements (public so that the interception benchmark measures
     * exactly what each borrow costs).
     */
    public static Connection watched(Connection raw, String name, QueryExecutionListener listener) {
        ProxyConfig config = ProxyConfig.Builder.create().dataSourceName(name).queryListener(listener).build();
        ConnectionInfo info = new ConnectionInfo();
        info.setDataSourceName(name);
        info.setConnectionId(config.getConnectionIdManager().getId(raw));
        return config.getJdbcProxyFactory().createConnection(raw, info, config);
    }

    /**
     * Returns a short identity of the database: server, database name and oid (a database dropped and created again
     * under the same name is another one) and the server's start time, hashed. Service instances on the same
     * database share it; another database, or the same one after a restart, gets another
     * (the cache keys its Redis data by it, so one Redis can serve many databases without mixing their rows).
     */
    public String identity() throws SQLException {
        try (Connection c = maintenance().getConnection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT md5(current_database() || '|' || d.oid || '|'"
                     + " || coalesce(inet_server_addr()::text, 'local') || '|' || inet_server_port() || '|'"
                     + " || pg_postmaster_start_time()) FROM pg_database d WHERE d.datname = current_database()")) {
            rs.next();
            return rs.getString(1).substring(0, 12);
        }
    }

    /** Database work that may throw {@link SQLException}. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    @Override
    public void close() {
        readGuard.close();
        writeGuard.close();
        readPool.close();
        writePool.close();
    }
}
