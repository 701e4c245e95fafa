package dev.perfgate.bench;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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

import dev.perfgate.embedded.EmbeddedPostgres;
import dev.perfgate.sut.SutConfig;
import dev.perfgate.sut.db.Database;

/**
 * What a pooled connection costs to borrow and return: HikariCP exactly as the service configures it (its
 * {@link Database#poolConfig} plus the Micrometer metrics tracker) beside HikariCP with defaults, on a stub driver
 * whose connections do nothing — so the figure is the pool's own work, not the network's. Opening a stub connection
 * without a pool is the floor; opening a real PostgreSQL connection (embedded, loopback) is what the pool saves.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar PoolBenchmark -rf json -rff pool.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PoolBenchmark {
    static final String URL = "jdbc:perfgate-stub:bench";
    private HikariDataSource service;
    private HikariDataSource defaults;
    /** Defaults plus one of the service's settings each: what every setting costs on its own. */
    private HikariDataSource withLeakDetection;
    private HikariDataSource withMetrics;
    private HikariDataSource withReadOnly;
    /** The service's settings without leak detection (SUT_DB_LEAK_DETECTION_MS=0). */
    private HikariDataSource serviceNoLeakDetection;
    private final Driver driver = new StubDriver();
    private EmbeddedPostgres pg;
    private org.postgresql.ds.PGSimpleDataSource postgres;

    @Setup(Level.Trial)
    public void start() throws SQLException {
        DriverManager.registerDriver(driver);
        pg = EmbeddedPostgres.startFresh();
        postgres = new org.postgresql.ds.PGSimpleDataSource();
        postgres.setURL(pg.jdbcUrl());
        HikariConfig sc = Database.poolConfig("bench-service", URL, 10, false, SutConfig.from(Map.of(
                "SUT_ADMIN_TOKEN", "benchmark-admin-token-0123"), new Properties()).pools());
        sc.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(new SimpleMeterRegistry()));
        service = new HikariDataSource(sc);
        HikariConfig dc = new HikariConfig();
        dc.setJdbcUrl(URL);
        defaults = new HikariDataSource(dc);
        HikariConfig leak = defaults("bench-leak");
        leak.setLeakDetectionThreshold(10_000); // what SUT_DB_LEAK_DETECTION_MS=10000 sets (the test suite's)
        withLeakDetection = new HikariDataSource(leak);
        HikariConfig metrics = defaults("bench-metrics");
        metrics.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(new SimpleMeterRegistry()));
        withMetrics = new HikariDataSource(metrics);
        HikariConfig readOnly = defaults("bench-read-only");
        readOnly.setReadOnly(true);
        withReadOnly = new HikariDataSource(readOnly);
        HikariConfig noLeak = Database.poolConfig("bench-service-no-leak", URL, 10, false, SutConfig.from(Map.of(
                "SUT_ADMIN_TOKEN", "benchmark-admin-token-0123", "SUT_DB_LEAK_DETECTION_MS", "0"), new Properties()).pools());
        noLeak.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(new SimpleMeterRegistry()));
        serviceNoLeakDetection = new HikariDataSource(noLeak);
    }

    private static HikariConfig defaults(String name) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(URL);
        return c;
    }

    @TearDown(Level.Trial)
    public void stop() throws SQLException {
        service.close();
        defaults.close();
        withLeakDetection.close();
        withMetrics.close();
        withReadOnly.close();
        serviceNoLeakDetection.close();
        DriverManager.deregisterDriver(driver);
        pg.close();
    }

    @Benchmark
    public Connection newPostgresConnection() throws SQLException {
        return getAndClose(postgres);
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public Connection servicePoolBorrowReturn() throws SQLException {
        return getAndClose(service);
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public Connection defaultPoolBorrowReturn() throws SQLException {
        return getAndClose(defaults);
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public Connection defaultsWithLeakDetection() throws SQLException {
        return getAndClose(withLeakDetection);
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public Connection defaultsWithMicrometerMetrics() throws SQLException {
        return getAndClose(withMetrics);
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public Connection defaultsReadOnly() throws SQLException {
        return getAndClose(withReadOnly);
    }

    @Benchmark
    public Connection servicePoolWithoutLeakDetection() throws SQLException {
        return getAndClose(serviceNoLeakDetection);
    }

    /** One getConnection and close: a borrow and return for a pool, an open and close without one. */
    private static Connection getAndClose(javax.sql.DataSource pool) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return c;
        }
    }

    @Benchmark
    public Connection unpooledStubConnect() throws SQLException {
        try (Connection c = driver.connect(URL, new Properties())) {
            return c;
        }
    }

    /** A driver whose connections answer every call with a default and do no I/O. */
    static final class StubDriver implements Driver {
        @Override
        public Connection connect(String url, Properties info) {
            if (!acceptsURL(url)) {
                return null;
            }
            boolean[] closed = new boolean[1];
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "isValid" -> true;
                        case "getAutoCommit" -> true;
                        case "isClosed" -> closed[0];
                        case "close" -> {
                            closed[0] = true;
                            yield null;
                        }
                        case "getTransactionIsolation" -> Connection.TRANSACTION_READ_COMMITTED;
                        case "getNetworkTimeout", "getHoldability" -> 0;
                        case "isReadOnly", "isWrapperFor" -> false;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "StubConnection";
                        default -> method.getReturnType() == boolean.class ? false
                                : method.getReturnType() == int.class ? 0 : null;
                    });
        }

        @Override
        public boolean acceptsURL(String url) {
            return url != null && url.startsWith("jdbc:perfgate-stub:");
        }

        @Override
        public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
            return new DriverPropertyInfo[0];
        }

        @Override
        public int getMajorVersion() {
            return 1;
        }

        @Override
        public int getMinorVersion() {
            return 0;
        }

        @Override
        public boolean jdbcCompliant() {
            return false;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }
    }
}
