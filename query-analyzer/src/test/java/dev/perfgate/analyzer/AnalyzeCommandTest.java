package dev.perfgate.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line against a database it has never seen: its arguments, its sources of statements, its errors. */
class AnalyzeCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @BeforeAll
    static void schema() throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabase.url()); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS cli CASCADE");
            s.execute("CREATE SCHEMA cli");
            s.execute("CREATE TABLE cli.vendors (id bigint PRIMARY KEY, category text NOT NULL, name text NOT NULL)");
            s.execute("INSERT INTO cli.vendors SELECT g, (ARRAY['venue','florist','band'])[1 + g % 3], 'vendor ' || g"
                    + " FROM generate_series(1, 20000) g");
            s.execute("CREATE TABLE cli.clients (id bigint PRIMARY KEY, name text NOT NULL)");
            s.execute("ANALYZE cli.vendors");
        }
    }

    @Test
    void command_readsTheDatabasesOwnStatementStatistics() throws Exception {
        try (Connection c = DriverManager.getConnection(TestDatabase.url());
             PreparedStatement p = c.prepareStatement("SELECT count(*) FROM cli.vendors WHERE category = ?")) {
            for (int i = 0; i < 20; i++) {
                p.setString(1, i % 2 == 0 ? "venue" : "band");
                try (ResultSet rs = p.executeQuery()) {
                    rs.next();
                }
            }
        }
        JsonNode command = MAPPER.readTree(AnalyzeCommand.analyze(List.of("--url", TestDatabase.url(), "--top", "100",
                "--no-index-advisor"), Optional.empty()));
        assertThat(command.path("source").asText()).isEqualTo("pg_stat_statements");
        JsonNode statements = command.path("statements");
        assertThat(statements.findValuesAsText("fingerprint")).anyMatch(f -> f.contains("from cli.vendors"));
        for (JsonNode s : statements) {
            assertThat(s.path("calls").asLong()).isPositive();
            if (s.has("plan")) {
                // pg_stat_statements replaces constants with $n: those statements get a generic plan
                assertThat(s.path("plan").path("generic").asBoolean()).as(s.path("sql").asText())
                        .isEqualTo(s.path("sql").asText().matches("(?s).*\\$\\d.*"));
            }
        }
        JsonNode vendors = find(statements, "from cli.vendors where category");
        assertThat(vendors.path("calls").asLong()).isGreaterThanOrEqualTo(20);
        assertThat(vendors.path("plan").path("generic").asBoolean()).isTrue();
    }

    @Test
    void command_badStatementsAreReportedOneByOne_theOthersStillAnalyzed(@TempDir Path dir) throws Exception {
        String url = TestDatabase.url();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS perfgate_limited");
            s.execute("CREATE ROLE perfgate_limited LOGIN");
            s.execute("GRANT USAGE ON SCHEMA cli TO perfgate_limited");
            s.execute("GRANT SELECT ON cli.vendors TO perfgate_limited");
        }
        try {
            Path file = dir.resolve("mixed.sql");
            Files.writeString(file, "SELECT * FROM cli.vendors WHERE;\nSELECT * FROM cli.clients WHERE id = 1;\n"
                    + "SELECT * FROM cli.vendors WHERE id = 1;\n");
            JsonNode report = MAPPER.readTree(AnalyzeCommand.analyze(List.of("--url",
                    url.replace("user=postgres", "user=perfgate_limited"), "--sql", file.toString()), Optional.empty()));
            JsonNode statements = report.path("statements");
            assertThat(statements).hasSize(3);
            assertThat(statements.get(0).path("error").asText()).as(report.toPrettyString()).contains("syntax error");
            assertThat(statements.get(1).path("error").asText()).contains("permission denied for table clients");
            assertThat(statements.get(2).has("error")).isFalse();
            assertThat(statements.get(2).path("plan").path("totalCost").asDouble()).isPositive();
        } finally {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("REVOKE ALL ON cli.vendors FROM perfgate_limited");
                s.execute("REVOKE ALL ON SCHEMA cli FROM perfgate_limited");
                s.execute("DROP ROLE perfgate_limited");
            }
        }
    }

    @Test
    void command_emptyFileOrUnreachableDatabase_isOneLineNamingTheCause(@TempDir Path dir) throws Exception {
        Path empty = dir.resolve("empty.sql");
        Files.writeString(empty, "  -- nothing here\n;\n");
        assertThat(exit(List.of("--url", "jdbc:postgresql://127.0.0.1/x", "--sql", empty.toString())))
                .contains("holds no statement");
        Path one = dir.resolve("one.sql");
        Files.writeString(one, "SELECT 1;");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AnalyzeCommand.run(List.of("--url", "jdbc:postgresql://127.0.0.1:1/x?connectTimeout=2", "--sql",
                one.toString()), Optional.empty(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8).strip()).startsWith("analyze failed: Connection to 127.0.0.1:1")
                .doesNotContain("\n");
    }

    @Test
    void command_rejectsBadArguments() {
        assertThat(exit(List.of("--top", "0", "--url", "jdbc:postgresql://127.0.0.1/x"))).contains("--top was \"0\"");
        assertThat(exit(List.of("--frobnicate"))).contains("unknown argument \"--frobnicate\"");
        assertThat(exit(List.of())).contains("no database");
        assertThat(exit(List.of("--url", "mysql://x"))).contains("must be a jdbc:postgresql: URL");
        assertThat(exit(List.of("--url", "jdbc:postgresql://127.0.0.1/x", "--sql", "/nonexistent.sql")))
                .contains("not a readable file");
        assertThat(exit(List.of("--url", "jdbc:postgresql://127.0.0.1/x", "--index-trials", "guess")))
                .contains("--index-trials was \"guess\", must be auto, hypopg or build");
        assertThat(exit(List.of("--url", "jdbc:postgresql://127.0.0.1/x", "--max-build-rows", "-1")))
                .contains("--max-build-rows was \"-1\", must be an integer from 0 up");
        assertThat(exit(List.of("--url", "jdbc:postgresql://127.0.0.1/x", "--format", "yaml")))
                .contains("--format was \"yaml\", must be json, text or html");
        assertThat(exit(List.of("--url", "jdbc:postgresql://127.0.0.1/x", "--verify-timing")))
                .contains("--verify-timing times the recommended indexes: it needs --explain-analyze");
        assertThat(exit(List.of("--url", "jdbc:postgresql://127.0.0.1/x", "--lock-timeout-ms", "0")))
                .contains("--lock-timeout-ms was \"0\", must be an integer from 1 to 10000");
    }

    private static JsonNode find(JsonNode statements, String fingerprintPart) {
        for (JsonNode s : statements) {
            if (s.path("fingerprint").asText().contains(fingerprintPart)) {
                return s;
            }
        }
        throw new AssertionError("no statement like \"" + fingerprintPart + "\" in " + statements.toPrettyString());
    }

    private static String exit(List<String> args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AnalyzeCommand.run(args, Optional.empty(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        return err.toString(StandardCharsets.UTF_8);
    }
}
