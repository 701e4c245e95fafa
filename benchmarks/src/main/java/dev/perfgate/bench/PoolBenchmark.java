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
                "SUT_ADMIN_TOKEN", "benchmark-admin-token-0123"), new Properties()));
        sc.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(new SimpleMeterRegistry()));
        service = new HikariDataSource(sc);
        HikariConfig dc = new HikariConfig();
        dc.setJdbcUrl(URL);
        defaults = new HikariDataSource(dc);
    }

    @TearDown(Level.Trial)
    public void stop() throws SQLException {
        service.close();
        defaults.close();
        DriverManager.deregisterDriver(driver);
        pg.close();
    }

    @Benchmark
    public Connection newPostgresConnection() throws SQLException {
        try (Connection c = postgres.getConnection()) {
            return c;
        }
    }

    @Benchmark
    public Connection servicePoolBorrowReturn() throws SQLException {
        try (Connection c = service.getConnection()) {
            return c;
        }
    }

    @Benchmark
    public Connection defaultPoolBorrowReturn() throws SQLException {
        try (Connection c = defaults.getConnection()) {
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
