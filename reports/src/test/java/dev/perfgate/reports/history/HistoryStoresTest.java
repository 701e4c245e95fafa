package dev.perfgate.reports.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perfgate.embedded.EmbeddedPostgres;
import dev.perfgate.reports.RunResult;

/**
 * The database history against the directory one: the same runs give the same entries and series, in a schema
 * that answers series queries in SQL; concurrent appends keep every run; an unreadable row is reported by id. And
 * the command that compares any two runs of a history by id or commit.
 */
class HistoryStoresTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static EmbeddedPostgres pg;

    @BeforeAll
    static void start() {
        pg = EmbeddedPostgres.startFresh();
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    private static List<RunResult> runs(int n) {
        RunResult base = HistoryFixtures.real();
        SplittableRandom noise = new SplittableRandom(31);
        List<RunResult> out = new ArrayList<>();
        for (int run = 1; run <= n; run++) {
            out.add(HistoryFixtures.variant(base, run, Map.of(), noise, 0.05));
        }
        return out;
    }

    @Test
    void theDatabase_holdsWhatTheDirectoryHolds_inASchemaForSeries(@TempDir Path dir) throws Exception {
        History db = History.open(pg.jdbcUrl());
        History files = History.open(dir.toString());
        JsonNode jmh = MAPPER.readTree(Path.of("src/test/resources/fixtures/jmh-run.json").toFile());
        for (RunResult r : runs(6)) {
            db.append("run", r);
            files.append("run", r);
        }
        RunResult base = HistoryFixtures.real();
        db.appendJmh(jmh, base.environment(), base.profile(), HistoryFixtures.at(50));
        files.appendJmh(jmh, base.environment(), base.profile(), HistoryFixtures.at(50));

        assertThat(db.environments()).isEqualTo(files.environments()).hasSize(1);
        String env = db.environments().getFirst();
        History.Loaded fromDb = db.load(env);
        History.Loaded fromFiles = files.load(env);
        assertThat(fromDb.problems()).isEmpty();
        assertThat(fromDb.entries()).hasSize(7);
        assertThat(Series.of(fromDb.entries()).keySet()).isEqualTo(Series.of(fromFiles.entries()).keySet());
        for (Map.Entry<String, Series> e : Series.of(fromDb.entries()).entrySet()) {
            assertThat(e.getValue().values()).as(e.getKey())
                    .containsExactly(Series.of(fromFiles.entries()).get(e.getKey()).values());
        }
        // a series straight from SQL, as a dashboard would read it
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT m.value FROM perfgate_metric m JOIN perfgate_run r ON r.id = m.run_id"
                     + " WHERE r.grp = 'PeakDaySimulation' AND m.request = 'client detail' AND m.metric = 'p95Ms'"
                     + " ORDER BY r.started_at")) {
            List<Double> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getDouble(1));
            }
            assertThat(values).containsExactly(java.util.Arrays.stream(
                    Series.of(fromDb.entries()).get("PeakDaySimulation|client detail|p95Ms").values()).boxed()
                    .toArray(Double[]::new));
        }
    }

    @Test
    void concurrentAppends_toTheDatabase_keepEveryRun_andABadRowIsReportedById() throws Exception {
        String url = pg.jdbcUrl(createDatabase("concurrent"));
        History db = History.open(url);
        List<RunResult> runs = runs(5);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<String>> f = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                RunResult r = runs.get(i % runs.size());
                f.add(pool.submit(() -> db.append("same", r)));
            }
            for (Future<String> x : f) {
                x.get();
            }
        } finally {
            pool.shutdown();
        }
        String env = db.environments().getFirst();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("INSERT INTO perfgate_run (id, kind, environment, grp, started_at, valid, document) VALUES"
                    + " ('broken-1', 'gatling', '" + env + "', 'PeakDaySimulation', now(), true, '{\"hello\": 1}')");
        }
        History.Loaded loaded = db.load(env);
        assertThat(loaded.entries()).hasSize(30);
        assertThat(loaded.problems()).extracting(History.Problem::entry).containsExactly("perfgate_run broken-1");
    }

    @Test
    void compareRuns_byIdOrCommit_fromTheHistory(@TempDir Path dir) throws Exception {
        History files = History.open(dir.resolve("h").toString());
        List<RunResult> runs = runs(3);
        List<String> ids = new ArrayList<>();
        for (RunResult r : runs) {
            ids.add(files.append("run", r));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = dev.perfgate.reports.CompareRunsAccess.run(new String[] {"--history", dir.resolve("h").toString(),
                "--out", dir.resolve("out").toString(), ids.get(0).substring(0, ids.get(0).length() - 3),
                HistoryFixtures.commit(3)}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("comparing " + ids.get(2))
                .contains("(commit " + HistoryFixtures.commit(1) + ")").contains("PeakDaySimulation vs " + ids.get(0));
        assertThat(Files.readString(dir.resolve("out/regression.html"))).contains("id=\"verdict\"");
        assertThat(dir.resolve("out/junit.xml")).exists();

        err.reset();
        assertThat(dev.perfgate.reports.CompareRunsAccess.run(new String[] {"--history", dir.resolve("h").toString(),
                "nope", ids.get(1)}, new PrintStream(out), new PrintStream(err, true, StandardCharsets.UTF_8)))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no run nope (run id or commit)");
    }

    private static String createDatabase(String name) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl()); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name);
            s.execute("CREATE DATABASE " + name);
        }
        return name;
    }
}
