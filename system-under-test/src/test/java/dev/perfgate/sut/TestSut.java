package dev.perfgate.sut;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.perfgate.sut.db.Database;

/**
 * The service under test, started once per test JVM on a free port: embedded PostgreSQL seeded at a small scale,
 * or the database named by {@code SUT_DB_URL} when that is set (the same suite then proves the external path).
 */
public final class TestSut {
    /** Scale used by the suite: about 17,000 rows, seeded in well under a second. */
    public static final String TEST_SCALE = "0.02";
    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";
    private static Sut shared;

    private TestSut() {
    }

    /** Returns the shared service, starting it on first use. */
    public static synchronized Sut get() {
        if (shared == null) {
            try {
                shared = Sut.start(config(Map.of()));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** Returns whether the suite runs against an external database. */
    public static boolean external() {
        return System.getenv("SUT_DB_URL") != null;
    }

    /** Builds a test configuration: the process's SUT_* environment, then test defaults, then overrides. */
    public static SutConfig config(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("SUT_")) {
                env.put(k, v);
            }
        });
        if (!"external".equals(overrides.getOrDefault("SUT_INFRA", "external"))) {
            env.remove("SUT_DB_URL"); // another infrastructure was asked for explicitly
            env.remove("SUT_DB_READ_URL");
        }
        env.put("SUT_PORT", "0");
        env.putIfAbsent("SUT_SCALE", TEST_SCALE);
        env.put("SUT_ADMIN_TOKEN", ADMIN_TOKEN);
        // the suite sends bursts from one address; RateLimitHttpTest starts its own service with tight limits
        env.putIfAbsent("SUT_RATE_LIMITS", "off");
        // live streams tick fast enough for tests to see several events and heartbeats in a second
        env.putIfAbsent("SUT_SSE_INTERVAL_MS", "300");
        env.putIfAbsent("SUT_SSE_HEARTBEAT_MS", "400");
        // the advisor is off by default; the suite keeps it on so that the endpoint's analysis and the command's
        // can be compared candidate for candidate (QueryAnalysisTest)
        env.putIfAbsent("SUT_QUERY_INDEX_ADVISOR", "true");
        // a connection the code forgets to return is logged (off by default in the service: it costs every borrow)
        env.putIfAbsent("SUT_DB_LEAK_DETECTION_MS", "10000");
        env.putAll(overrides);
        return SutConfig.from(env, new Properties());
    }

    /**
     * Starts another service on the shared service's database (already migrated and seeded), with the given
     * settings on top: a second node, or the same service configured differently for one test.
     */
    public static Sut startOnSharedDatabase(Map<String, String> overrides) throws SQLException {
        Map<String, String> settings = new HashMap<>(overrides);
        settings.put("SUT_INFRA", "external");
        settings.put("SUT_DB_URL", get().infrastructure().primaryUrl());
        settings.put("SUT_SEED_ON_START", "false");
        return Sut.start(config(settings));
    }

    /** Returns the base URL of the shared service. */
    public static String baseUrl() {
        return "http://127.0.0.1:" + get().port();
    }

    /** Runs a query on the shared database and returns the first column of the first row as a long. */
    public static long queryLong(String sql) {
        Database db = get().database();
        try (Connection c = db.writePool().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("no row for: " + sql);
            }
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Runs a query on the shared database and returns the first column of every row as text. */
    public static List<String> queryColumn(String sql) {
        Database db = get().database();
        try (Connection c = db.writePool().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
