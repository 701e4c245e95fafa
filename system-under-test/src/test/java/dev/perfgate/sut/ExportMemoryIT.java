package dev.perfgate.sut;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
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
import org.junit.jupiter.api.Test;

/**
 * The export's memory claim, tested where it can fail: the packaged service runs with a 64 MB heap and exports an
 * organization whose JSON is larger than that heap. Built in memory (a list of rows, then a document) it would die
 * with OutOfMemoryError; streamed, it completes and its peak heap stays under the limit.
 */
class ExportMemoryIT {
    private static final Path JAR = Path.of("target", "system-under-test.jar");
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) ");
    private static final Pattern JDBC = Pattern.compile("embedded PostgreSQL listening on \\S+ \\((jdbc:postgresql:[^,]+),");
    private static final int HEAP_MB = 64;
    private static final int COUPLES = 250_000;

    @Test
    void exportLargerThanTheHeap_completes_inBoundedMemory() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx" + HEAP_MB + "m", "-jar", JAR.toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("SUT_"));
        pb.environment().put("SUT_PORT", "0");
        pb.environment().put("SUT_SCALE", "0.01");
        pb.environment().put("SUT_REDIS_URL", "none");
        pb.environment().put("SUT_CACHE_ENABLED", "false");
        pb.environment().put("SUT_RATE_LIMITS", "off");
        pb.environment().put("SUT_ADMIN_TOKEN", TestSut.ADMIN_TOKEN);
        Process p = pb.start();
        try {
            ProcessOutput output = new ProcessOutput(p);
            Matcher listening = output.await(LISTENING, 180);
            assertThat(listening).as("start-up output:%n%s", output.text()).isNotNull();
            Matcher jdbc = output.await(JDBC, 5);
            assertThat(jdbc).as("start-up output:%n%s", output.text()).isNotNull();
            String base = "http://127.0.0.1:" + listening.group(1);

            long org;
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
            HttpClient client = HttpClient.newHttpClient();
            assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/api/admin/metrics/reset"))
                    .header("Authorization", "Bearer " + TestSut.ADMIN_TOKEN)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode()).isEqualTo(200); // also resets the heap's peak

            long start = System.nanoTime();
            HttpResponse<InputStream> export = client.send(HttpRequest.newBuilder(URI.create(base
                    + "/api/clients/export?format=json&org=" + org)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(export.statusCode()).isEqualTo(200);
            long rows = 0;
            long bytes;
            ObjectMapper mapper = new ObjectMapper();
            try (CountingStream in = new CountingStream(export.body()); JsonParser parser = mapper.createParser(in)) {
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

            JsonNode jvm = mapper.readTree(client.send(HttpRequest.newBuilder(URI.create(base
                    + "/api/performance/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body()).path("jvm");
            long peak = jvm.path("heapPeakBytes").asLong();
            long max = jvm.path("heapMaxBytes").asLong();
            System.out.printf("export of %,d couples with -Xmx%dm: %,d bytes in %.1f s (%,.0f rows/s), peak heap %,d"
                    + " bytes of %,d%n", rows, HEAP_MB, bytes, seconds, rows / seconds, peak, max);
            assertThat(rows).isEqualTo(COUPLES);
            assertThat(bytes).isGreaterThan(max); // the document does not fit in the heap at all
            assertThat(peak).isPositive().isLessThanOrEqualTo(max);
            assertThat(output.text()).doesNotContain("OutOfMemoryError");

            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
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
