package dev.perfgate.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

/** The launcher itself: a real server (as nobody when the build runs as root), stop/start, orphan reaping. */
class EmbeddedPostgresTest {

    private static int version(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
             ResultSet rs = c.createStatement().executeQuery("SHOW server_version_num")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void startFresh_isPostgres17_andSurvivesStopStart() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.startFresh()) {
            assertThat(version(pg.jdbcUrl())).isGreaterThanOrEqualTo(170000);
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl())) {
                c.createStatement().execute("CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)");
            }
            pg.stop();
            assertThatThrownBy(() -> version(pg.jdbcUrl())).isInstanceOf(SQLException.class);
            pg.start();
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl());
                 ResultSet rs = c.createStatement().executeQuery("SELECT x FROM kept")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
    }

    @Test
    void startFresh_reapsClustersOfDeadJvms() throws Exception {
        EmbeddedPostgres orphan = EmbeddedPostgres.startFresh();
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path ownerFile = findOwnerFile(orphan);
        Files.writeString(ownerFile, Long.toString(dead.pid()));

        try (EmbeddedPostgres fresh = EmbeddedPostgres.startFresh()) {
            assertThat(Files.exists(ownerFile.getParent())).isFalse();
            assertThatThrownBy(() -> version(orphan.jdbcUrl())).isInstanceOf(SQLException.class);
            assertThat(version(fresh.jdbcUrl())).isPositive();
        }
    }

    /** Returns the owner file of a running cluster, found by its port in postmaster.pid. */
    private static Path findOwnerFile(EmbeddedPostgres pg) throws Exception {
        try (var dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith("perfgate-pgdata-")).toList()) {
                Path pid = d.resolve("data").resolve("postmaster.pid");
                if (Files.exists(pid) && Files.readAllLines(pid).get(3).strip().equals(Integer.toString(pg.port()))) {
                    return d.resolve("owner.pid");
                }
            }
        }
        throw new AssertionError("no data directory for port " + pg.port());
    }
}
