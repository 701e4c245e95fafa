package dev.perfgate.analyzer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The command line ({@code java -jar perfgate-analyze.jar}, or {@code system-under-test.jar analyze}): the analysis
 * aimed at any PostgreSQL database. Statements come from a SQL file (values written in: the planner sees real values,
 * and EXPLAIN ANALYZE can run them) or, by default, from the database's own {@code pg_stat_statements}, top by total
 * time (generic plans, since it records statements with {@code $n} markers). The JSON output is what the reference
 * service's {@code POST /api/admin/queries/analyze} answers: per statement its plan score, findings and index
 * candidates, and the verified index recommendations; {@code --format text} and {@code html} are reports to read.
 */
public final class AnalyzeCommand {
    static final String USAGE = """
            usage: perfgate-analyze.jar [--url JDBC_URL] [--sql FILE] [--top N] [--explain-analyze]
                                        [--no-index-advisor] [--index-trials auto|hypopg|build] [--verify-timing]
                                        [--lock-timeout-ms N] [--max-build-rows N] [--build-timeout-ms N]
                                        [--format json|text|html] [--out FILE]
              --url                 database to analyze (default: $ANALYZE_URL; SUT_DB_URL in the service's jar)
              --sql FILE            statements to analyze, separated by semicolons (default: pg_stat_statements)
              --top N               statements taken from pg_stat_statements by total time, 1..500 (default 20)
              --explain-analyze     run read-only statements under EXPLAIN ANALYZE (in a read-only transaction)
              --no-index-advisor    do not try candidate indexes
              --index-trials MODE   hypopg: hypothetical indexes (nothing built, no lock writers wait for);
                                    build: each candidate built in a rolled-back transaction (writers wait for it);
                                    auto: hypopg where the database has it, else build (default)
              --verify-timing       with --explain-analyze: build each recommended index concurrently (writers
                                    are not blocked), time its statements with and without it (medians of 3),
                                    drop it again, and reject the ones that made a statement slower
              --lock-timeout-ms N   build and --verify-timing: longest wait for a table's lock before skipping
                                    it as busy, 1..10000 (default 50)
              --max-build-rows N    build: largest table built on, 0 for any size (default 20000)
              --build-timeout-ms N  build and --verify-timing: give up a build after this long, 100..600000
                                    (default 10000)
              --format FORMAT       json (default; what the service's endpoint answers), text or html: a
                                    report to read, verdict first (html: one page, opens from disk)
              --out FILE            write the output there instead of standard output""";

    private AnalyzeCommand() {
    }

    /** {@code java -jar perfgate-analyze.jar [analyze] --url ...}; the database defaults to {@code $ANALYZE_URL}. */
    public static void main(String[] args) {
        List<String> arguments = List.of(args);
        if (!arguments.isEmpty() && arguments.getFirst().equals("analyze")) {
            arguments = arguments.subList(1, arguments.size());
        }
        System.exit(run(arguments, Optional.ofNullable(System.getenv("ANALYZE_URL")).filter(u -> !u.isBlank()),
                System.out, System.err));
    }

    /** Bad arguments: the message says which and why. */
    public static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** Runs the command; returns the exit status (0 analyzed, 2 bad arguments, 1 database error). */
    public static int run(List<String> args, Optional<String> defaultUrl, PrintStream out, PrintStream err) {
        if (args.contains("--help")) {
            out.println(USAGE);
            return 0;
        }
        try {
            String json = analyze(args, defaultUrl);
            Optional<String> file = option(args, "--out");
            if (file.isPresent()) {
                Files.writeString(Path.of(file.get()), json, StandardCharsets.UTF_8);
                err.println("analysis written to " + file.get());
            } else {
                out.println(json);
            }
            return 0;
        } catch (UsageException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (SQLException | IOException e) {
            err.println("analyze failed: " + oneLine(e));
            return 1;
        }
    }

    /** Returns the analysis as JSON. */
    public static String analyze(List<String> args, Optional<String> defaultUrl)
            throws UsageException, SQLException, IOException {
        List<String> valued = List.of("--url", "--sql", "--top", "--out", "--index-trials", "--lock-timeout-ms",
                "--max-build-rows", "--build-timeout-ms", "--format");
        List<String> known = new ArrayList<>(valued);
        known.addAll(List.of("--explain-analyze", "--no-index-advisor", "--verify-timing"));
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!known.contains(a)) {
                throw new UsageException("unknown argument \"" + a + "\"");
            }
            if (valued.contains(a)) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(a + " needs a value");
                }
                i++;
            }
        }
        String url = option(args, "--url").or(() -> defaultUrl)
                .orElseThrow(() -> new UsageException("no database: pass --url jdbc:postgresql://... or set ANALYZE_URL"));
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new UsageException("--url was \"" + url + "\", must be a jdbc:postgresql: URL");
        }
        int top = 20;
        Optional<String> topArg = option(args, "--top");
        if (topArg.isPresent()) {
            try {
                top = Integer.parseInt(topArg.get());
            } catch (NumberFormatException e) {
                top = -1;
            }
            if (top < 1 || top > 500) {
                throw new UsageException("--top was \"" + topArg.get() + "\", must be an integer from 1 to 500");
            }
        }
        IndexTrials.Settings trials = trialSettings(args); // every argument is checked before the database is touched
        if (args.contains("--verify-timing") && (!args.contains("--explain-analyze")
                || args.contains("--no-index-advisor"))) {
            throw new UsageException("--verify-timing times the recommended indexes: it needs --explain-analyze and"
                    + " the index advisor (no --no-index-advisor)");
        }
        String format = option(args, "--format").orElse("json");
        if (!List.of("json", "text", "html").contains(format)) {
            throw new UsageException("--format was \"" + format + "\", must be json, text or html");
        }
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        ds.setApplicationName("perfgate-analyze");
        Optional<String> sqlFile = option(args, "--sql");
        List<QueryAnalyzer.Target> targets;
        String source;
        if (sqlFile.isPresent()) {
            Path path = Path.of(sqlFile.get());
            if (!Files.isReadable(path)) {
                throw new UsageException("--sql was \"" + sqlFile.get() + "\", which is not a readable file");
            }
            targets = BoundSql.split(Files.readString(path)).stream().map(QueryAnalyzer.Target::of).toList();
            if (targets.isEmpty()) {
                throw new UsageException("--sql was \"" + sqlFile.get() + "\", which holds no statement (statements"
                        + " are separated by semicolons)");
            }
            source = "file " + path;
        } else {
            targets = fromPgStatStatements(ds, top);
            source = "pg_stat_statements";
        }
        QueryAnalyzer analyzer = new QueryAnalyzer(ds, new QueryAnalyzer.Options(args.contains("--explain-analyze"),
                !args.contains("--no-index-advisor"), trials, args.contains("--verify-timing")));
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        com.fasterxml.jackson.databind.node.ObjectNode body = mapper.createObjectNode().put("source", source);
        body.setAll((com.fasterxml.jackson.databind.node.ObjectNode) mapper.valueToTree(analyzer.analyze(targets)));
        return switch (format) {
            case "text" -> AnalysisText.render(body);
            case "html" -> AnalysisHtml.render(body);
            default -> mapper.writeValueAsString(body);
        };
    }

    /** The database's own top statements by total execution time, skipping catalog queries and EXPLAINs. */
    static List<QueryAnalyzer.Target> fromPgStatStatements(PGSimpleDataSource ds, int top) throws SQLException {
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'");
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("pg_stat_statements is not installed in this database: add it to"
                            + " shared_preload_libraries and CREATE EXTENSION pg_stat_statements, or pass --sql FILE");
                }
            }
            List<QueryAnalyzer.Target> out = new ArrayList<>();
            int hidden = 0;
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT query, calls, total_exec_time, mean_exec_time FROM pg_stat_statements
                    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND query ~* '^\\s*(select|with|insert|update|delete)\\M'
                      AND query !~* '\\m(pg_catalog|pg_class|pg_namespace|pg_index|pg_attribute|pg_constraint|pg_extension|pg_stat_statements|pg_stat_user_tables|pg_indexes|pg_database|information_schema|current_schemas|flyway_schema_history)\\M'
                    ORDER BY total_exec_time DESC LIMIT ?""")) {
                ps.setInt(1, top);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String sql = rs.getString(1);
                        if (sql == null || sql.equals("<insufficient privilege>")) {
                            hidden++;
                            continue;
                        }
                        out.add(new QueryAnalyzer.Target(Fingerprint.of(sql), sql, rs.getLong(2),
                                Math.round(rs.getDouble(3) * 1000) / 1000.0, Math.round(rs.getDouble(4) * 1000) / 1000.0));
                    }
                }
            }
            if (out.isEmpty() && hidden > 0) {
                throw new SQLException(hidden + " statements in pg_stat_statements are other users' and hidden from"
                        + " this one: connect as their owner, or GRANT pg_read_all_stats TO the user");
            }
            if (out.isEmpty()) {
                throw new SQLException("pg_stat_statements holds no statement of this database yet (reset, or no"
                        + " traffic): run the workload first, or pass --sql FILE");
            }
            return out;
        }
    }

    /** The failure in one line: what failed and why, as the driver or file system said it. */
    static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** The index trial settings from the arguments, each checked against its range. */
    static IndexTrials.Settings trialSettings(List<String> args) throws UsageException {
        IndexTrials.Settings d = IndexTrials.Settings.DEFAULT;
        IndexTrials.Mode mode = d.mode();
        Optional<String> m = option(args, "--index-trials");
        if (m.isPresent()) {
            try {
                mode = IndexTrials.Mode.valueOf(m.get().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--index-trials was \"" + m.get() + "\", must be auto, hypopg or build");
            }
        }
        return new IndexTrials.Settings(mode, number(args, "--lock-timeout-ms", d.lockTimeoutMs(), 1, 10_000),
                number(args, "--build-timeout-ms", d.buildTimeoutMs(), 100, 600_000),
                number(args, "--max-build-rows", d.maxBuildRows(), 0, Long.MAX_VALUE));
    }

    private static long number(List<String> args, String name, long defaultValue, long min, long max)
            throws UsageException {
        Optional<String> raw = option(args, name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the rule
        }
        throw new UsageException(name + " was \"" + raw.get() + "\", must be an integer from " + min
                + (max == Long.MAX_VALUE ? " up" : " to " + max));
    }

    private static Optional<String> option(List<String> args, String name) {
        int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? Optional.of(args.get(i + 1)) : Optional.empty();
    }
}
