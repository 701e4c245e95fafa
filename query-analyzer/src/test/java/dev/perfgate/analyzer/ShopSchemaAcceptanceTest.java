package dev.perfgate.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analyzer as a new user meets it, through its command line, on a schema it never saw and statements with known
 * answers: the shop (customers 50,000, orders 300,000 with 2 % 'pending', order_items 600,000, products
 * 20,000, the orders → customers foreign key without an index). Each fix is proposed and verified, no recommended
 * index is redundant with another, none made its statements slower when timed, and nothing is proposed for a
 * primary-key lookup — once on the embedded server (real builds, the fallback) and once with HypoPG where the
 * machine's PostgreSQL has it.
 */
class ShopSchemaAcceptanceTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static final String FK_LOOKUP = "SELECT * FROM shop.orders WHERE customer_id = 17";
    static final String FK_JOIN = "SELECT c.name, o.id, o.total FROM shop.customers c JOIN shop.orders o"
            + " ON o.customer_id = c.id WHERE c.country = 'IS'";
    static final String LOWER_EMAIL = "SELECT * FROM shop.customers WHERE lower(email) = 'customer42@example.com'";
    static final String DATE_CAST = "SELECT id, total FROM shop.orders WHERE created_at::date = '2026-03-01'";
    static final String PENDING_TOP = "SELECT * FROM shop.orders WHERE status = 'pending' ORDER BY created_at DESC"
            + " LIMIT 20";
    static final String STATUS_OR = "SELECT id FROM shop.orders WHERE status = 'pending' OR customer_id = 17";
    static final String DEEP_OFFSET = "SELECT id, total FROM shop.orders ORDER BY created_at, id LIMIT 20 OFFSET 100000";
    static final String PK_LOOKUP = "SELECT * FROM shop.customers WHERE id = 42";
    static final String WILDCARD = "SELECT * FROM shop.products WHERE name LIKE '%bolt%'";
    static final String SUBPLAN = "SELECT c.id, (SELECT count(*) FROM shop.orders o WHERE o.customer_id = c.id)"
            + " FROM shop.customers c WHERE c.id <= 300";
    static final String QUANTITY_SUM = "SELECT sum(quantity) FROM shop.order_items WHERE product_id = 77";

    static void build(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            // the embedded server commits asynchronously: VACUUM right after an unflushed commit leaves the pages
            // it wrote not all-visible, and index-only scans would look worthless
            s.execute("SET synchronous_commit = on");
            s.execute("DROP SCHEMA IF EXISTS shop CASCADE");
            s.execute("CREATE SCHEMA shop");
            s.execute("""
                    CREATE TABLE shop.customers (id bigint PRIMARY KEY, name text NOT NULL, email text NOT NULL,
                        country text NOT NULL)""");
            s.execute("""
                    INSERT INTO shop.customers SELECT g, 'customer ' || g, 'Customer' || g || '@Example.com',
                        CASE WHEN g % 500 = 0 THEN 'IS' ELSE (ARRAY['DE','FR','US','GB'])[1 + g % 4] END
                    FROM generate_series(1, 50000) g""");
            s.execute("CREATE TABLE shop.products (id bigint PRIMARY KEY, name text NOT NULL, price numeric NOT NULL)");
            s.execute("INSERT INTO shop.products SELECT g, 'product ' || md5(g::text), 1 + g % 300"
                    + " FROM generate_series(1, 20000) g");
            s.execute("""
                    CREATE TABLE shop.orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL
                        REFERENCES shop.customers (id), status text NOT NULL, created_at timestamptz NOT NULL,
                        total numeric NOT NULL)""");
            s.execute("""
                    INSERT INTO shop.orders SELECT g, 1 + (g::bigint * 7919) % 50000,
                        CASE WHEN g % 50 = 0 THEN 'pending' ELSE 'shipped' END,
                        timestamptz '2026-01-01' + g * interval '1 minute', g % 700
                    FROM generate_series(1, 300000) g""");
            s.execute("""
                    CREATE TABLE shop.order_items (order_id bigint NOT NULL REFERENCES shop.orders (id),
                        line int NOT NULL, product_id bigint NOT NULL REFERENCES shop.products (id),
                        quantity int NOT NULL, note text NOT NULL, PRIMARY KEY (order_id, line))""");
            s.execute("""
                    INSERT INTO shop.order_items SELECT 1 + (g - 1) / 2, 1 + g % 2, 1 + (g::bigint * 104729) % 20000,
                        1 + g % 5, repeat('x', 60) FROM generate_series(1, 600000) g""");
            // VACUUM as autovacuum would have by now: statistics, and the visibility map an index-only scan needs
            for (String table : List.of("customers", "products", "orders", "order_items")) {
                s.execute("VACUUM ANALYZE shop." + table);
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid"
                    + " = c.relnamespace WHERE nspname = 'shop' AND relkind = 'r' AND relallvisible < relpages")) {
                rs.next();
                assertThat(rs.getInt(1)).as("tables whose visibility map VACUUM left incomplete").isZero();
            }
        }
    }

    private static JsonNode analyze(String url, Path dir, String... extra) throws Exception {
        Path file = dir.resolve("shop.sql");
        Files.writeString(file, String.join(";\n", FK_LOOKUP, FK_JOIN, LOWER_EMAIL, DATE_CAST, PENDING_TOP, STATUS_OR,
                DEEP_OFFSET, PK_LOOKUP, WILDCARD, SUBPLAN, QUANTITY_SUM, FK_LOOKUP) + ";\n");
        List<String> args = new ArrayList<>(List.of("--url", url, "--sql", file.toString(), "--explain-analyze",
                "--verify-timing"));
        args.addAll(List.of(extra));
        String json = AnalyzeCommand.analyze(args, Optional.empty());
        // left where a failing run can be read: target/shop-analysis-<trials>.json
        Path out = Path.of("target", "shop-analysis-" + extra[1] + ".json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, json);
        return MAPPER.readTree(json);
    }

    @Test
    void realBuilds_onTheEmbeddedServer(@TempDir Path dir) throws Exception {
        build(TestDatabase.url());
        JsonNode report = analyze(TestDatabase.url(), dir, "--index-trials", "build", "--max-build-rows", "0");
        assertThat(report.path("indexTrials").asText()).isEqualTo("build");
        assertTheKnownAnswers(report);
        assertNoIndexLeftBehind(TestDatabase.url());
    }

    @Test
    void hypotheticalIndexes_onTheMachinesPostgres(@TempDir Path dir) throws Exception {
        String why = SystemPostgres.unavailable();
        assumeTrue(why == null, why);
        try (SystemPostgres db = SystemPostgres.create("perfgate_shop")) {
            build(db.url());
            JsonNode report = analyze(db.url(), dir, "--index-trials", "hypopg");
            assertThat(report.path("indexTrials").asText()).isEqualTo("hypopg");
            assertTheKnownAnswers(report);
            assertNoIndexLeftBehind(db.url());
        }
    }

    private static void assertTheKnownAnswers(JsonNode report) {
        String all = report.toPrettyString();
        JsonNode recs = report.path("indexRecommendations");
        List<String> creates = recs.findValuesAsText("create");

        // the missing foreign-key index, tied to the statements that need it; the duplicate analyzed once
        // (it may carry columns for the join's index-only scan: it is still the one index leading with customer_id)
        String fkIndex = "CREATE INDEX CONCURRENTLY ON shop.orders (customer_id)";
        assertThat(creates.stream().filter(c -> c.startsWith(fkIndex))).as(all).hasSize(1);
        assertThat(statement(report, FK_LOOKUP).path("occurrences").asInt()).isEqualTo(2);
        for (String needsIt : List.of(FK_LOOKUP, FK_JOIN, SUBPLAN)) {
            assertThat(served(recs, needsIt)).as(needsIt + ": " + all).anyMatch(c -> c.startsWith(fkIndex));
        }
        assertThat(rules(report, FK_JOIN)).as(all).contains("fk-without-index");
        assertThat(rules(report, SUBPLAN)).contains("correlated-subplan");

        // lower(email): the expression index, verified
        assertThat(rules(report, LOWER_EMAIL)).contains("non-sargable");
        assertThat(served(recs, LOWER_EMAIL)).as(all)
                .containsExactly("CREATE INDEX CONCURRENTLY ON shop.customers ((lower(email)))");

        // a cast on the column: the range the planner cannot write, with the statement rewritten
        assertThat(suggestion(report, DATE_CAST, "non-sargable"))
                .contains("created_at >= DATE '2026-03-01' AND created_at < DATE '2026-03-01' + 1");

        // the rare 'pending' top-N: one index on orders serving it (partial, or status leading), verified
        assertThat(served(recs, PENDING_TOP)).as(all).hasSize(1).allMatch(c -> c.contains("shop.orders")
                && c.contains("created_at") && c.contains("status"));

        // the OR: served by the indexes the planner combines (a BitmapOr), not left without advice
        JsonNode or = statement(report, STATUS_OR);
        assertThat(served(recs, STATUS_OR)).as(all).hasSizeGreaterThanOrEqualTo(2);
        assertThat(or.path("allCandidatesTogether").path("costReductionPercent").asDouble()).isGreaterThan(50);

        // deep OFFSET: the keyset rewrite
        assertThat(suggestion(report, DEEP_OFFSET, "deep-offset")).contains("(created_at, id) > (");
        assertThat(rules(report, WILDCARD)).contains("leading-wildcard-like");

        // an index-only scan where it pays: the key carrying the one column the sum reads
        assertThat(served(recs, QUANTITY_SUM)).as(all)
                .containsExactly("CREATE INDEX CONCURRENTLY ON shop.order_items (product_id) INCLUDE (quantity)");

        // nothing for a primary-key lookup
        assertThat(served(recs, PK_LOOKUP)).isEmpty();
        assertThat(statement(report, PK_LOOKUP).path("plan").path("findings")).isEmpty();

        // no redundant index: none is a leading prefix of another on its table, and each serves a statement
        for (JsonNode a : recs) {
            assertThat(a.path("statements")).as(a.toString()).isNotEmpty();
            for (JsonNode b : recs) {
                if (a != b && a.path("table").equals(b.path("table")) && a.path("create").asText().contains(" WHERE ")
                        == b.path("create").asText().contains(" WHERE ")) {
                    List<String> ac = strings(a.path("columns"));
                    List<String> bc = strings(b.path("columns"));
                    assertThat(bc.size() > ac.size() && bc.subList(0, ac.size()).equals(ac))
                            .as(a.path("create") + " leads " + b.path("create") + ": " + all).isFalse();
                }
            }
        }
        // none slower: the recommendations were timed, built concurrently, and an index is kept only if no statement
        // whose plan used it got slower
        for (JsonNode r : recs) {
            JsonNode timing = r.path("timing");
            assertThat(timing.has("statements") || timing.has("skipped")).as(r.toString()).isTrue();
            for (JsonNode t : timing.path("statements")) {
                if (t.path("usedByPlan").asBoolean()) {
                    assertThat(t.path("msAfter").asDouble()).as(r.toString())
                            .isLessThanOrEqualTo(t.path("msBefore").asDouble() * TimedCheck.SLOWER + 0.05);
                }
            }
        }
        assertThat(recs.findValues("timing").stream().filter(t -> t.has("statements")).count())
                .as("most recommendations were timed: " + all).isGreaterThanOrEqualTo(recs.size() - 1);
    }

    private static void assertNoIndexLeftBehind(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_indexes WHERE schemaname = 'shop'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the primary keys only").isEqualTo(4);
        }
    }

    static JsonNode statement(JsonNode report, String sql) {
        for (JsonNode s : report.path("statements")) {
            if (s.path("sql").asText().equals(sql)) {
                return s;
            }
        }
        throw new AssertionError("not analyzed: " + sql);
    }

    private static List<String> rules(JsonNode report, String sql) {
        JsonNode s = statement(report, sql);
        assertThat(s.has("error")).as(s.toPrettyString()).isFalse();
        return s.path("plan").path("findings").findValuesAsText("rule");
    }

    private static String suggestion(JsonNode report, String sql, String rule) {
        for (JsonNode f : statement(report, sql).path("plan").path("findings")) {
            if (f.path("rule").asText().equals(rule)) {
                return f.path("suggestion").asText();
            }
        }
        throw new AssertionError(rule + " did not fire on " + sql + ": " + statement(report, sql).toPrettyString());
    }

    /** The recommendations serving a statement. */
    private static List<String> served(JsonNode recs, String sql) {
        String fingerprint = Fingerprint.of(sql);
        List<String> out = new ArrayList<>();
        for (JsonNode r : recs) {
            if (strings(r.path("statements")).contains(fingerprint)) {
                out.add(r.path("create").asText());
            }
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
