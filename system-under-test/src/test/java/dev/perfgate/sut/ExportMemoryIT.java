package dev.perfgate.sut;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The export's memory claims, tested where they can fail: the packaged service runs with a 64 MB heap and exports an
 * organization whose JSON is larger than that heap. Built in memory (a list of rows, then a document) it would die
 * with OutOfMemoryError; streamed, it completes and its peak heap stays under the limit. And a hundred exports
 * abandoned by their clients hold a bounded heap and are cut off after the write timeout.
 */
class ExportMemoryIT {
    private static final Path JAR = Path.of("target", "system-under-test.jar");
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) ");
    private static final Pattern JDBC = Pattern.compile("embedded PostgreSQL listening on \\S+ \\((jdbc:postgresql:[^,]+),");
    private static final int HEAP_MB = 64;
    private static final int COUPLES = 250_000;

    /** A blocked response write is cut after this long; the abandoned-streams test waits it out. */
    private static final int WRITE_TIMEOUT_MS = 3000;
    private static final int ABANDONED = 100;
    private static Process process;
    private static ProcessOutput output;
    private static String base;
    private static long org;
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx" + HEAP_MB + "m", "-jar", JAR.toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("SUT_"));
        pb.environment().put("SUT_PORT", "0");
        pb.environment().put("SUT_SCALE", "0.01");
        pb.environment().put("SUT_REDIS_URL", "none");
        pb.environment().put("SUT_CACHE_ENABLED", "false");
        pb.environment().put("SUT_RATE_LIMITS", "off");
        pb.environment().put("SUT_WRITE_TIMEOUT_MS", Integer.toString(WRITE_TIMEOUT_MS));
        pb.environment().put("SUT_ADMIN_TOKEN", TestSut.ADMIN_TOKEN);
        process = pb.start();
        output = new ProcessOutput(process);
        Matcher listening = output.await(LISTENING, 180);
        assertThat(listening).as("start-up output:%n%s", output.text()).isNotNull();
        Matcher jdbc = output.await(JDBC, 5);
        assertThat(jdbc).as("start-up output:%n%s", output.text()).isNotNull();
        base = "http://127.0.0.1:" + listening.group(1);

        try (Connection c = DriverManager.getConnection(jdbc.group(1)); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("INSERT INTO organizations (name, city, created_at)"
                    + " VALUES ('Memory Test', 'Austin', now()) RETURNING id")) {
                rs.next();
                org = rs.getLong(1);
            }
            s.execute("INSERT INTO clients (org_id, partner1_name, partner2_name, email, phone, wedding_date,"
                    + " status, city, guest_estimate, budget_total, created_at, updated_at) SELECT " + org
                    + ", 'Partner ' || g, 'Other ' || g, 'memory' || g || '@example.com', '+1-555-' || g,"
                    + " date '2027-01-01' + (g % 700), 'planning', 'Austin', 100, 1000 + g, now(), now()"
                    + " FROM generate_series(1, " + COUPLES + ") g");
            s.execute("ANALYZE clients");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (process != null) {
            process.destroy();
            boolean ended = process.waitFor(60, TimeUnit.SECONDS);
            process.destroyForcibly();
            assertThat(ended).isTrue();
            assertThat(output.text()).doesNotContain("OutOfMemoryError");
        }
    }

    @Test
    void exportLargerThanTheHeap_completes_inBoundedMemory() throws Exception {
        assertThat(CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/api/admin/metrics/reset"))
                .header("Authorization", "Bearer " + TestSut.ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()).isEqualTo(200); // also resets the heap's peak

        long start = System.nanoTime();
        HttpResponse<InputStream> export = CLIENT.send(HttpRequest.newBuilder(URI.create(base
                + "/api/clients/export?format=json&org=" + org)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(export.statusCode()).isEqualTo(200);
        long rows = 0;
        long bytes;
        try (CountingStream in = new CountingStream(export.body()); JsonParser parser = MAPPER.createParser(in)) {
            assertThat(parser.nextToken()).isEqualTo(JsonToken.START_ARRAY);
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                parser.skipChildren();
                rows++;
            }
            assertThat(parser.currentToken()).isEqualTo(JsonToken.END_ARRAY);
            in.transferTo(OutputStream.nullOutputStream());
            bytes = in.count;
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        JsonNode jvm = metrics().path("jvm");
        long peak = jvm.path("heapPeakBytes").asLong();
        long max = jvm.path("heapMaxBytes").asLong();
        System.out.printf("export of %,d couples with -Xmx%dm: %,d bytes in %.1f s (%,.0f rows/s), peak heap %,d"
                + " bytes of %,d%n", rows, HEAP_MB, bytes, seconds, rows / seconds, peak, max);
        assertThat(rows).isEqualTo(COUPLES);
        assertThat(bytes).isGreaterThan(max); // the document does not fit in the heap at all
        assertThat(peak).isPositive().isLessThanOrEqualTo(max);
    }

    /**
     * A hundred clients start a 94 MB export each and stop reading after the first kilobyte. At most a pool's worth
     * of exports run (each holds a read connection); the rest are refused with 503 once the pool's wait runs out.
     * The held ones must not take the heap near its maximum, and each is cut off once its write has been blocked for
     * the write timeout, giving its connection back. The live heap (after a full collection) is measured before and
     * while they are held, for the per-stream figure.
     */
    @Test
    void hundredAbandonedExports_boundedHeap_releasedAfterTheWriteTimeout() throws Exception {
        long before = liveHeap();
        List<Socket> sockets = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(ABANDONED);
        List<Future<String>> firstBytes = new ArrayList<>();
        try {
            for (int i = 0; i < ABANDONED; i++) {
                Socket s = new Socket();
                s.setReceiveBufferSize(4096);
                s.connect(new InetSocketAddress("127.0.0.1", URI.create(base).getPort()));
                s.setSoTimeout(30_000);
                sockets.add(s);
                s.getOutputStream().write(("GET /api/clients/export?format=json&org=" + org + " HTTP/1.1\r\nHost: x\r\n"
                        + "Accept-Encoding: identity\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                firstBytes.add(pool.submit(() -> firstBytes(s)));
            }
            List<String> heads = new ArrayList<>();
            for (Future<String> f : firstBytes) {
                heads.add(f.get(60, TimeUnit.SECONDS));
            }
            long held = heads.stream().filter(h -> h.startsWith("HTTP/1.1 200")).count();
            long refused = heads.stream().filter(h -> h.startsWith("HTTP/1.1 503")).count();
            long whileHeld = liveHeap();
            JsonNode m = metrics();
            long max = m.path("jvm").path("heapMaxBytes").asLong();
            int active = m.path("pools").path("read").path("active").asInt();
            long perStream = held == 0 ? 0 : (whileHeld - before) / held;
            System.out.printf("%d abandoned exports with -Xmx%dm: %d streaming and held, %d refused 503 (read pool);"
                            + " live heap %,d bytes before, %,d while held (of %,d): %,d bytes per held stream%n",
                    ABANDONED, HEAP_MB, held, refused, before, whileHeld, max, perStream);
            assertThat(held + refused).isEqualTo(ABANDONED);
            assertThat(held).isPositive();
            assertThat(active).isEqualTo((int) held);
            assertThat(whileHeld).as("live heap while the streams are held").isLessThan(max * 3 / 4);

            // cut off after the write timeout: the connections close and the pool is whole again
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WRITE_TIMEOUT_MS + 10_000L);
            while (metrics().path("pools").path("read").path("active").asInt() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(metrics().path("pools").path("read").path("active").asInt())
                    .as("read connections still held after the write timeout").isZero();
            assertThat(CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/api/performance/health")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
        } finally {
            pool.shutdownNow();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** Reads the start of an answer (a 503 is short and its connection stays open: no more bytes will come). */
    private static String firstBytes(Socket s) throws java.io.IOException {
        byte[] buf = new byte[1024];
        int n = 0;
        while (n < 16) {
            int r = s.getInputStream().read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** Heap in use after a full collection (jcmd GC.run), as the service reports it. */
    private static long liveHeap() throws Exception {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(gc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return metrics().path("jvm").path("heapUsedBytes").asLong();
    }

    private static JsonNode metrics() throws Exception {
        return MAPPER.readTree(CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/api/performance/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** Counts the bytes that pass. */
    private static final class CountingStream extends java.io.FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws java.io.IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
