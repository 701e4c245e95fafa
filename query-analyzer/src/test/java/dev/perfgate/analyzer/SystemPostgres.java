package dev.perfgate.analyzer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database of its own on this machine's PostgreSQL service (127.0.0.1:5432, trust), made for one test class and
 * dropped after it: the embedded server has no HypoPG, the machine's can (Debian: postgresql-15-hypopg, which
 * {@code .ci/run} installs). Tests that need it skip where no such server answers.
 */
final class SystemPostgres implements AutoCloseable {
    private static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&connectTimeout=2";
    private final String database;

    private SystemPostgres(String database) {
        this.database = database;
    }

    /** Returns why no database can be made there with HypoPG available, or null when one can. */
    static String unavailable() {
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'")) {
            return rs.next() ? null : "HypoPG is not installed for the PostgreSQL on 127.0.0.1:5432";
        } catch (SQLException e) {
            return "no PostgreSQL answers on 127.0.0.1:5432: " + e.getMessage();
        }
    }

    static SystemPostgres create(String prefix) throws SQLException {
        String name = prefix + "_" + ProcessHandle.current().pid();
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
        }
        return new SystemPostgres(name);
    }

    String url() {
        return "jdbc:postgresql://127.0.0.1:5432/" + database + "?user=postgres";
    }

    DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url());
        return ds;
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }
}
