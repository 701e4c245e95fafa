package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.Sut;
import dev.perfgate.sut.TestSut;
import dev.perfgate.sut.domain.ClientExport;
import dev.perfgate.sut.http.ResponseEncoding.Coding;

/**
 * Streaming exports of an organization far larger than any the suite's seed makes: 60,000 couples, some with names
 * that need CSV quoting, half of them with budget lines. Memory with a small heap is proven by ExportMemoryIT, which
 * runs the packaged service with -Xmx64m.
 */
class ExportTest {
    private static final int COUPLES = 60_000;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static long org;
    private static long budgetLines;

    @BeforeAll
    static void bigOrganization() throws Exception {
        org = TestSut.queryLong("INSERT INTO organizations (name, city, created_at) VALUES ('Export Test "
                + System.nanoTime() + "', 'Austin', now()) RETURNING id");
        execute("INSERT INTO clients (org_id, partner1_name, partner2_name, email, phone, wedding_date, status, city,"
                + " guest_estimate, budget_total, created_at, updated_at)"
                + " SELECT " + org + ", CASE WHEN g % 7 = 0 THEN 'Ann \"Nan\" O''Hara, Jr.' ELSE 'Partner ' || g END,"
                + " CASE WHEN g % 11 = 0 THEN E'Line\\nBreak' ELSE 'Other ' || g END, 'export' || g || '@example.com',"
                + " CASE WHEN g % 3 = 0 THEN NULL ELSE '+1-555-' || g END, date '2027-01-01' + (g % 700), 'planning',"
                + " 'Austin', 100, 1000 + g, now(), now() FROM generate_series(1, " + COUPLES + ") g");
        execute("INSERT INTO budget_items (client_id, category, description, estimated, actual, updated_at)"
                + " SELECT c.id, 'venue', 'hall', 100.50, 90.25, now() FROM clients c, generate_series(1, 2)"
                + " WHERE c.org_id = " + org + " AND c.id % 2 = 0");
        budgetLines = TestSut.queryLong("SELECT count(*) FROM budget_items b JOIN clients c ON c.id = b.client_id"
                + " WHERE c.org_id = " + org);
        execute("ANALYZE clients");
        execute("ANALYZE budget_items");
    }

    @AfterAll
    static void removeIt() throws Exception {
        try (Connection c = TestSut.get().database().writePool().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            // nothing but these budget lines refers to the test's couples, so the per-row foreign-key checks of
            // 60,000 deletes (some on unindexed columns) can be skipped; both settings end with the transaction
            s.execute("SET LOCAL statement_timeout = 0");
            s.execute("SET LOCAL session_replication_role = replica");
            s.execute("DELETE FROM budget_items WHERE client_id IN (SELECT id FROM clients WHERE org_id = " + org + ")");
            s.execute("DELETE FROM clients WHERE org_id = " + org);
            s.execute("DELETE FROM organizations WHERE id = " + org);
            c.commit();
        }
        // statistics as they were, for the plan assertions of other tests
        execute("ANALYZE clients");
        execute("ANALYZE budget_items");
    }

    private static void execute(String sql) throws Exception {
        try (Connection c = TestSut.get().database().writePool().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static HttpResponse<InputStream> open(String format, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(TestSut.baseUrl() + "/api/clients/export?org=" + org
                + "&format=" + format));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void csv_parsesBackWithACsvReader_oneRecordPerCouple() throws Exception {
        HttpResponse<InputStream> r = open("csv");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(r.headers().firstValue("X-Export-Rows")).hasValue(Integer.toString(COUPLES));
        assertThat(r.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"clients-org-" + org
                + ".csv\"");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        long budgetLinesSeen = 0;
        Set<Long> ids = new HashSet<>();
        try (Reader in = new InputStreamReader(r.body(), StandardCharsets.UTF_8);
             CSVParser csv = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
            assertThat(csv.getHeaderNames()).isEqualTo(ClientExport.COLUMNS);
            for (CSVRecord rec : csv) {
                assertThat(rec.size()).isEqualTo(ClientExport.COLUMNS.size());
                ids.add(Long.parseLong(rec.get("id")));
                budgetLinesSeen += Long.parseLong(rec.get("budgetItems"));
                if (rec.get("partner1Name").startsWith("Ann")) {
                    assertThat(rec.get("partner1Name")).isEqualTo("Ann \"Nan\" O'Hara, Jr.");
                }
                if (rec.get("partner2Name").startsWith("Line")) {
                    assertThat(rec.get("partner2Name")).isEqualTo("Line\nBreak");
                }
            }
        }
        assertThat(ids).hasSize(COUPLES);
        assertThat(budgetLinesSeen).isEqualTo(budgetLines);
    }

    @Test
    void json_isOneArray_withEveryCouple() throws Exception {
        HttpResponse<InputStream> r = open("json");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        long count = 0;
        try (JsonParser p = MAPPER.createParser(r.body())) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_ARRAY);
            while (p.nextToken() == JsonToken.START_OBJECT) {
                JsonNode couple = MAPPER.readTree(p);
                assertThat(couple.path("id").isIntegralNumber()).isTrue();
                assertThat(couple.path("budgetTotal").isNumber()).isTrue();
                count++;
            }
            assertThat(p.currentToken()).isEqualTo(JsonToken.END_ARRAY);
            assertThat(p.nextToken()).isNull(); // nothing after the array
        }
        assertThat(count).isEqualTo(TestSut.queryLong("SELECT count(*) FROM clients WHERE org_id = " + org));
    }

    @Test
    void ndjson_isOneObjectPerLine() throws Exception {
        HttpResponse<InputStream> r = open("ndjson");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
        long count = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                JsonNode couple = MAPPER.readTree(line);
                assertThat(couple.isObject()).isTrue();
                assertThat(couple.has("error")).isFalse();
                count++;
            }
        }
        assertThat(count).isEqualTo(COUPLES);
    }

    @Test
    void compressedExport_decodesToTheSameBytes() throws Exception {
        byte[] plain = open("csv").body().readAllBytes();
        HttpResponse<InputStream> gzip = open("csv", "Accept-Encoding", "gzip");
        assertThat(gzip.headers().firstValue("Content-Encoding")).hasValue("gzip");
        try (InputStream in = ResponseEncodingTest.decoder(Coding.GZIP, gzip.body())) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
        HttpResponse<InputStream> zstd = open("csv", "Accept-Encoding", "zstd");
        try (InputStream in = ResponseEncodingTest.decoder(Coding.ZSTD, zstd.body())) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "ndjson", "csv"})
    void naive_buildsTheSameDocumentInMemory(String format) throws Exception {
        byte[] streamed = open(format).body().readAllBytes();
        HttpResponse<InputStream> naive = open(format, "X-Perf-Mode", "naive");
        assertThat(naive.headers().firstValue("Transfer-Encoding")).isEmpty(); // one body of known length
        assertThat(naive.headers().firstValue("Content-Length")).hasValue(Integer.toString(streamed.length));
        assertThat(naive.headers().firstValue("X-Export-Rows")).hasValue(Integer.toString(COUPLES));
        assertThat(naive.body().readAllBytes()).isEqualTo(streamed);
    }

    @Test
    void clientThatDisconnects_midStream_freesItsConnection() throws Exception {
        int port = TestSut.get().port();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/clients/export?org=" + org + "&format=ndjson HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] first = socket.getInputStream().readNBytes(4096);
            assertThat(new String(first, StandardCharsets.UTF_8)).startsWith("HTTP/1.1 200");
            assertThat(exportsRunning()).isEqualTo(1); // the service is blocked writing, its cursor open
        } // the client is gone after 4 KB of a 15 MB export
        // the transaction ends (rollback) a moment before the connection is back in the pool: wait for both
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((exportsRunning() > 0 || activeReadConnections() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(exportsRunning()).isZero();
        assertThat(activeReadConnections()).isZero();
    }

    private static int activeReadConnections() {
        return TestSut.get().database().readPool().getHikariPoolMXBean().getActiveConnections();
    }

    /** Exports with a backend in the database: the cursor's transaction, seen from another connection. */
    private static long exportsRunning() {
        return TestSut.queryLong("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%LEFT JOIN LATERAL%'"
                + " AND state IN ('active', 'idle in transaction') AND pid <> pg_backend_pid()"
                + " AND datname = current_database()");
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "ndjson", "csv"})
    void databaseFailure_afterTheFirstByte_endsTheStreamDetectably(String format) throws Exception {
        // read over a raw socket: Java's HttpClient drops body bytes it has buffered once the connection fails, so
        // what the service wrote last (NDJSON's error line) could go unseen by the test although it was sent
        Chunked r = rawExport(format, () -> {
            // the export is under way and blocks once the socket buffers fill: end its database session
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long killed = 0;
            while (killed == 0 && System.nanoTime() < deadline) {
                killed = TestSut.queryLong("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))"
                        + " FROM pg_stat_activity WHERE query LIKE '%LEFT JOIN LATERAL%'"
                        + " AND state IN ('active', 'idle in transaction') AND pid <> pg_backend_pid()"
                        + " AND datname = current_database()");
            }
            assertThat(killed).isEqualTo(1);
        });
        assertThat(r.status()).isEqualTo(200);
        // every format: the body ends without HTTP's last chunk, which any client reports as a truncated response
        assertThat(r.complete()).as("the body must not end with the last chunk").isFalse();
        String body = new String(r.body(), StandardCharsets.UTF_8);
        switch (format) {
            case "json" -> assertThat(body.stripTrailing()).startsWith("[").doesNotEndWith("]");
            case "ndjson" -> {
                String[] lines = body.split("\n");
                JsonNode last = MAPPER.readTree(lines[lines.length - 1]);
                assertThat(last.path("error").asText()).isEqualTo("export_failed");
                assertThat(last.path("rowsWritten").asLong()).isEqualTo(lines.length - 1).isLessThan(COUPLES);
            }
            default -> assertThat(body).startsWith("id,partner1Name").doesNotContain("error");
        }
        // the service itself is fine and the next export completes, with its last chunk
        assertThat(Http.shared().get("/api/performance/health").status()).isEqualTo(200);
        Chunked again = rawExport("ndjson", () -> { });
        assertThat(again.complete()).isTrue();
        assertThat(new String(again.body(), StandardCharsets.UTF_8).lines().count()).isEqualTo(COUPLES);
    }

    /** A chunked body read off the wire, and whether it ended with the zero-length last chunk. */
    private record Chunked(int status, byte[] body, boolean complete) {
    }

    /** Exports over a raw socket, decoding chunked transfer coding itself; calls {@code midway} after 1 KB. */
    private static Chunked rawExport(String format, Runnable midway) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", TestSut.get().port())) {
            socket.getOutputStream().write(("GET /api/clients/export?org=" + org + "&format=" + format
                    + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            int status = Integer.parseInt(line(in).split(" ")[1]);
            boolean chunked = false;
            for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                chunked |= header.equalsIgnoreCase("Transfer-Encoding: chunked");
            }
            assertThat(chunked).isTrue();
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            boolean called = false;
            try {
                for (String size = line(in); size != null; size = line(in)) {
                    int n = Integer.parseInt(size.split(";")[0].strip(), 16);
                    if (n == 0) {
                        return new Chunked(status, body.toByteArray(), true);
                    }
                    byte[] chunk = in.readNBytes(n);
                    body.write(chunk);
                    if (chunk.length < n || line(in) == null) {
                        break;
                    }
                    if (!called && body.size() >= 1024) {
                        called = true;
                        midway.run();
                    }
                }
            } catch (java.net.SocketException reset) {
                // the connection ended abruptly: what arrived before is kept, the body is incomplete
            }
            return new Chunked(status, body.toByteArray(), false);
        }
    }

    /** Reads a CRLF-terminated line; null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder out = new StringBuilder();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                return out.toString().stripTrailing();
            }
            out.append((char) b);
        }
        return out.isEmpty() ? null : out.toString();
    }

    @Test
    void queryTimeout_isAJson503_becauseTheQueryRunsBeforeTheResponseStarts() throws Exception {
        Sut shared = TestSut.get();
        try (Sut impatient = TestSut.startOnSharedDatabase(java.util.Map.of("SUT_REDIS_URL", "none",
                "SUT_CACHE_ENABLED", "false", "SUT_DB_STATEMENT_TIMEOUT_MS", "300"));
             Connection locker = shared.database().writePool().getConnection();
             Statement lock = locker.createStatement()) {
            // the row query joins budget_items and the count before it does not: holding that table makes exactly
            // the row query wait past its statement timeout
            locker.setAutoCommit(false);
            lock.execute("LOCK TABLE budget_items IN ACCESS EXCLUSIVE MODE");
            try {
                Http.Response r = new Http("http://127.0.0.1:" + impatient.port())
                        .get("/api/clients/export?org=" + org + "&format=csv");
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.json().path("error").asText()).isEqualTo("timeout");
                assertThat(r.header("Retry-After")).isEqualTo("1");
                assertThat(impatient.database().readPool().getHikariPoolMXBean().getActiveConnections()).isZero();
            } finally {
                locker.rollback();
            }
        }
    }

    @Test
    void badRequests_areJsonErrors_beforeAnyStreaming() {
        Http http = Http.shared();
        assertThat(http.get("/api/clients/export?org=" + org + "&format=xml").json().path("field").asText())
                .isEqualTo("format");
        assertThat(http.get("/api/clients/export").json().path("field").asText()).isEqualTo("org");
        Http.Response missing = http.get("/api/clients/export?org=987654321");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().path("error").asText()).isEqualTo("not_found");
        assertThat(http.get("/api/clients/export?org=" + org + "&limit=5").status()).isEqualTo(400);
        assertThat(List.of(http.get("/api/clients/export?org=" + org + "&format=csv").status())).containsOnly(200);
    }

    @Test
    void exportRunsInOneSnapshot_soTheAnnouncedCountIsWhatArrives_evenWithConcurrentWrites() throws Exception {
        HttpResponse<InputStream> r = open("ndjson");
        long announced = Long.parseLong(r.headers().firstValue("X-Export-Rows").orElseThrow());
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                execute("INSERT INTO clients (org_id, partner1_name, partner2_name, email, wedding_date, status, city,"
                        + " guest_estimate, budget_total, created_at, updated_at) VALUES (" + org + ", 'Late', 'Comer',"
                        + " 'late@example.com', '2027-06-01', 'inquiry', 'Austin', 10, 0, now(), now())");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.get(30, TimeUnit.SECONDS);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.lines().count()).isEqualTo(announced);
        }
        execute("DELETE FROM clients WHERE org_id = " + org + " AND email = 'late@example.com'");
    }
}
