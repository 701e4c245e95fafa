package dev.perfgate.sut.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import dev.perfgate.sut.TestSut;

/** The seeder on real databases created for each run on the suite's server (embedded, or SUT_DB_URL's). */
class SeederTest {
    private static final List<String> CREATED = new ArrayList<>();

    @AfterAll
    static void dropDatabases() throws SQLException {
        try (Connection c = DriverManager.getConnection(TestSut.get().infrastructure().primaryUrl());
             Statement s = c.createStatement()) {
            for (String name : CREATED) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }

    /** Creates an empty, migrated database on the suite's server and returns its data source. */
    private static PGSimpleDataSource freshDatabase() throws SQLException {
        String name = "seedtest_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String url = TestSut.get().infrastructure().primaryUrl();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        CREATED.add(name);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url.replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name));
        Migrations.migrate(ds);
        return ds;
    }

    /** Returns per-table row counts and an md5 over every row in id order. */
    private static Map<String, String> fingerprint(PGSimpleDataSource ds) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String table : Seeder.TABLES) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|'"
                        + " ORDER BY id), '')) FROM " + table + " t")) {
                    rs.next();
                    out.put(table, rs.getString(1));
                }
            }
        }
        return out;
    }

    @Test
    void seed_sameScaleAndSeed_givesIdenticalRowsInEveryTable() throws SQLException {
        PGSimpleDataSource a = freshDatabase();
        PGSimpleDataSource b = freshDatabase();
        Seeder.Result ra = new Seeder(0.01, 7).seed(a);
        Seeder.Result rb = new Seeder(0.01, 7).seed(b);

        assertThat(ra.rows()).isEqualTo(rb.rows());
        assertThat(ra.totalRows()).isGreaterThan(5_000);
        assertThat(fingerprint(a)).isEqualTo(fingerprint(b));
    }

    @Test
    void seed_anotherSeed_givesOtherRows() throws SQLException {
        PGSimpleDataSource a = freshDatabase();
        PGSimpleDataSource b = freshDatabase();
        new Seeder(0.01, 7).seed(a);
        new Seeder(0.01, 8).seed(b);
        assertThat(fingerprint(a).get("clients")).isNotEqualTo(fingerprint(b).get("clients"));
    }

    @Test
    void seed_hasRealisticSkew() throws SQLException {
        PGSimpleDataSource ds = freshDatabase();
        new Seeder(0.05, 42).seed(ds);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            // a few large organizations: the largest has several times the median's clients
            ResultSet rs = s.executeQuery("SELECT max(n), percentile_disc(0.5) WITHIN GROUP (ORDER BY n)"
                    + " FROM (SELECT count(*) AS n FROM clients GROUP BY org_id) x");
            rs.next();
            assertThat(rs.getLong(1)).isGreaterThan(4 * rs.getLong(2));
            // weddings cluster in June, September and October, and on Saturdays
            rs = s.executeQuery("SELECT count(*) FILTER (WHERE extract(month FROM wedding_date) IN (6, 9, 10)),"
                    + " count(*) FILTER (WHERE extract(month FROM wedding_date) IN (1, 2, 3)),"
                    + " count(*) FILTER (WHERE extract(isodow FROM wedding_date) = 6), count(*) FROM clients");
            rs.next();
            assertThat(rs.getLong(1)).isGreaterThan(3 * rs.getLong(2));
            assertThat(rs.getLong(3)).isGreaterThan(rs.getLong(4) / 2);
            // popular vendors: the top 1 % of vendors take a large share of bookings
            rs = s.executeQuery("SELECT sum(n) FILTER (WHERE rk <= (SELECT count(*) FROM vendors) / 100), sum(n)"
                    + " FROM (SELECT count(*) AS n, rank() OVER (ORDER BY count(*) DESC) AS rk FROM bookings"
                    + " GROUP BY vendor_id) x");
            rs.next();
            assertThat(rs.getLong(1)).isGreaterThan(rs.getLong(2) / 10);
            // every foreign key holds even though the bulk load skipped the checks
            rs = s.executeQuery("SELECT (SELECT count(*) FROM bookings b LEFT JOIN vendors v ON v.id = b.vendor_id"
                    + " WHERE v.id IS NULL) + (SELECT count(*) FROM payments p LEFT JOIN budget_items i"
                    + " ON i.id = p.budget_item_id WHERE i.id IS NULL) + (SELECT count(*) FROM tasks t"
                    + " LEFT JOIN planners p ON p.id = t.assignee_id WHERE t.assignee_id IS NOT NULL AND p.id IS NULL)");
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void seed_setsIdentitiesPastTheSeededIds() throws SQLException {
        PGSimpleDataSource ds = freshDatabase();
        new Seeder(0.01, 1).seed(ds);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("INSERT INTO organizations (name, city, created_at)"
                    + " VALUES ('New Org', 'Austin', now()) RETURNING id, (SELECT max(id) FROM organizations)");
            rs.next();
            assertThat(rs.getLong(1)).isGreaterThan(rs.getLong(2));
        }
    }

    @Test
    void isEmpty_truncate_roundTrip() throws SQLException {
        PGSimpleDataSource ds = freshDatabase();
        assertThat(Seeder.isEmpty(ds)).isTrue();
        new Seeder(0.01, 1).seed(ds);
        assertThat(Seeder.isEmpty(ds)).isFalse();
        Seeder.truncate(ds);
        assertThat(Seeder.isEmpty(ds)).isTrue();
    }
}
