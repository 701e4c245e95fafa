package dev.perfgate.analyzer;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

import dev.perfgate.embedded.EmbeddedPostgres;

/**
 * The analyzer tests' PostgreSQL: one embedded server (binaries from Maven Central, pg_stat_statements preloaded)
 * started on first use and stopped when the test JVM exits. Each test class builds its own schema in it.
 */
public final class TestDatabase {
    private static EmbeddedPostgres server;

    private TestDatabase() {
    }

    /** The JDBC URL of the test database, as a superuser. */
    public static synchronized String url() {
        if (server == null) {
            server = EmbeddedPostgres.startFresh();
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-postgres-stop"));
        }
        return server.jdbcUrl();
    }

    public static DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url());
        return ds;
    }
}
