package dev.perfgate.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.postgresql.ds.PGSimpleDataSource;

import dev.perfgate.embedded.EmbeddedPostgres;
import dev.perfgate.sut.db.Migrations;
import dev.perfgate.sut.db.Seeder;
import dev.perfgate.analyzer.plan.Plan;
import dev.perfgate.analyzer.plan.PlanAnalyzer;
import dev.perfgate.analyzer.plan.Schema;

/**
 * The plan analyzer's own cost on real plans: EXPLAIN (ANALYZE) JSON of the service's heaviest statements (analytics
 * joins, the couple detail's lateral aggregates, a vendor search), taken from a seeded embedded database at set-up.
 * {@code parse} turns the JSON into the plan tree; {@code analyze} runs all rules over it. The reference is Jackson
 * parsing the same JSON into a tree ({@code jacksonTree}): what any EXPLAIN consumer pays.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar PlanAnalyzerBenchmark -rf json -rff plans.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PlanAnalyzerBenchmark {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] STATEMENTS = {
        "SELECT v.category, count(*), sum(b.amount) FROM bookings b JOIN clients cl ON cl.id = b.client_id"
                + " JOIN vendors v ON v.id = b.vendor_id WHERE cl.org_id = 1 AND b.status <> 'cancelled'"
                + " GROUP BY v.category ORDER BY 3 DESC LIMIT 10",
        "SELECT c.id, g.n, t.open FROM clients c CROSS JOIN LATERAL (SELECT count(*) AS n FROM guests"
                + " WHERE client_id = c.id) g CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE status <> 'done')"
                + " AS open FROM tasks WHERE client_id = c.id) t WHERE c.id = 42",
        "SELECT v.id, v.name FROM vendors v WHERE v.name ILIKE '%studio%' ORDER BY v.rating DESC, v.id LIMIT 20"};

    private EmbeddedPostgres pg;
    private List<String> json;
    private List<Plan> plans;
    private Schema schema;

    @Setup(Level.Trial)
    public void capture() throws Exception {
        pg = EmbeddedPostgres.startFresh();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(pg.jdbcUrl());
        Migrations.migrate(ds);
        new Seeder(0.05, 42).seed(ds);
        json = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String sql : STATEMENTS) {
                try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)) {
                    rs.next();
                    json.add(rs.getString(1));
                }
            }
            schema = Schema.load(c);
        }
        plans = json.stream().map(Plan::parse).toList();
    }

    @TearDown(Level.Trial)
    public void stop() {
        pg.close();
    }

    @Benchmark
    public List<JsonNode> jacksonTree() throws Exception {
        List<JsonNode> out = new ArrayList<>(json.size());
        for (String j : json) {
            out.add(MAPPER.readTree(j));
        }
        return out;
    }

    @Benchmark
    public List<Plan> parse() {
        List<Plan> out = new ArrayList<>(json.size());
        for (String j : json) {
            out.add(Plan.parse(j));
        }
        return out;
    }

    @Benchmark
    public int analyze() {
        int findings = 0;
        for (int i = 0; i < plans.size(); i++) {
            findings += PlanAnalyzer.analyze(plans.get(i), schema, STATEMENTS[i]).findings().size();
        }
        return findings;
    }
}
