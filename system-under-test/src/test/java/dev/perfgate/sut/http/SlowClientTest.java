package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.Sut;
import dev.perfgate.sut.TestSut;

/**
 * Clients that stop half way, send garbage on the wire or too much: each gets a readable JSON 4xx/5xx or a closed
 * connection within the read timeout, never a connection held open, and one client address cannot hold more than its
 * share of connections. Raw sockets, because an HTTP client library would not send any of this.
 */
class SlowClientTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int READ_TIMEOUT_MS = 500;
    private static final int PER_CLIENT = 6;
    private static final int IDLE_TIMEOUT_MS = 4000;
    /** Far beyond the read timeout: a connection still open after this was held, not slow to close. */
    private static final int NO_HANG_MS = 15_000;
    private static Sut sut;

    @BeforeAll
    static void start() throws Exception {
        sut = TestSut.startOnSharedDatabase(Map.of("SUT_READ_TIMEOUT_MS", Integer.toString(READ_TIMEOUT_MS),
                "SUT_IDLE_TIMEOUT_MS", Integer.toString(IDLE_TIMEOUT_MS),
                "SUT_MAX_CONNECTIONS_PER_CLIENT", Integer.toString(PER_CLIENT), "SUT_MAX_BODY_BYTES", "65536"));
    }

    @AfterAll
    static void stop() {
        sut.close();
    }

    @Test
    void headersThatNeverEnd_connectionClosed() throws Exception {
        try (Socket s = open()) {
            s.getOutputStream().write("GET /api/vendors?size=1 HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntilClosed(s)).as("answer, if any, before the close").satisfiesAnyOf(
                    answer -> assertThat(answer).isEmpty(),
                    answer -> assertThat(answer).startsWith("HTTP/1.1 4"));
        }
    }

    @Test
    void requestLineThatNeverEnds_connectionClosed() throws Exception {
        try (Socket s = open()) {
            s.getOutputStream().write("GET /api/vend".getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntilClosed(s)).isEmpty();
        }
    }

    @Test
    void connectionsTheServerEnds_areCountedWithTheirReason_clientClosesAreNot() throws Exception {
        int clientClosed;
        try (Socket s = open()) {
            clientClosed = s.getLocalPort();
            s.getOutputStream().write("GET /api/performance/health HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntilClosedOrResponse(s)).startsWith("HTTP/1.1 200");
        } // the client closes a healthy keep-alive connection: the server sees the end of its stream
        long before = sut.connections().endedByServer();
        int stalled;
        try (Socket s = open()) {
            stalled = s.getLocalPort();
            s.getOutputStream().write("GET /api/vend".getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntilClosed(s)).isEmpty(); // the watchdog ends it: the server's doing
        }
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(NO_HANG_MS);
        while (sut.connections().recentServerEnds().stream().noneMatch(e -> e.contains(":" + stalled + ":"))
                && System.nanoTime() < until) {
            Thread.sleep(10); // the close reaches the client before the connection's thread files its end
        }
        assertThat(sut.connections().endedByServer()).isGreaterThan(before);
        assertThat(sut.connections().recentServerEnds())
                .anySatisfy(e -> assertThat(e).contains(":" + stalled + ":"))
                .noneSatisfy(e -> assertThat(e).contains(":" + clientClosed + ":"));
        String metrics = new Http("http://127.0.0.1:" + sut.port()).get("/metrics").body();
        java.util.regex.Matcher ended = java.util.regex.Pattern
                .compile("(?m)^perfgate_http_connections_ended_by_server_total(?:\\{[^}]*})? (\\S+)$").matcher(metrics);
        assertThat(ended.find()).as("the counter is published: %s", metrics).isTrue();
        assertThat(Double.parseDouble(ended.group(1))).isGreaterThan(before);
        assertThat(metrics).containsPattern("(?m)^perfgate_http_connections_read_timeouts_total(\\{[^}]*})? [1-9]");
    }

    @Test
    void keepAliveConnectionBetweenRequests_isNotCutByTheReadTimeout() throws Exception {
        try (Socket s = open()) {
            byte[] request = "GET /api/performance/health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(request);
            assertThat(readUntilClosedOrResponse(s)).startsWith("HTTP/1.1 200");
            Thread.sleep(3L * READ_TIMEOUT_MS); // idle, well within the idle timeout
            s.getOutputStream().write(request);
            assertThat(readUntilClosedOrResponse(s)).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void streamLongerThanTheReadTimeout_isNotCut() throws Exception {
        try (Socket s = open()) {
            s.getOutputStream().write("GET /api/performance/metrics/stream?intervalMs=100 HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            long until = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(6L * READ_TIMEOUT_MS);
            int events = 0;
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[8192];
            while (System.nanoTime() < until) {
                int n = in.read(buf);
                assertThat(n).as("the stream ended while its handler was running: %s", seen).isPositive();
                String chunk = new String(buf, 0, n, StandardCharsets.UTF_8);
                seen.append(chunk);
                events += chunk.split("\nevent: ", -1).length - 1;
            }
            assertThat(seen.toString()).startsWith("HTTP/1.1 200");
            assertThat(events).as("events over %d ms", 6 * READ_TIMEOUT_MS).isGreaterThan(10);
        }
    }

    @Test
    void keepAliveConnectionIdleLongerThanTheIdleTimeout_isClosed() throws Exception {
        try (Socket s = open()) {
            s.getOutputStream().write("GET /api/performance/health HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntilClosedOrResponse(s)).startsWith("HTTP/1.1 200");
            assertThat(readUntilClosed(s)).as("nothing more, then the close").isEmpty();
        }
    }

    @Test
    void bodyShorterThanItsLength_connectionClosed() throws Exception {
        long client = TestSut.queryLong("SELECT min(id) FROM clients");
        try (Socket s = open()) {
            s.getOutputStream().write(("POST /api/clients/" + client + "/tasks HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"title\":").getBytes(StandardCharsets.US_ASCII));
            String answer = readUntilClosed(s);
            assertThat(answer).doesNotStartWith("HTTP/1.1 2").doesNotStartWith("HTTP/1.1 5");
        }
    }

    @Test
    void tlsClientHelloOnThePlainPort_isRefused() throws Exception {
        byte[] hello = {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, (byte) 0xa1, 0x03, 0x03};
        try (Socket s = open()) {
            s.getOutputStream().write(hello);
            String answer = readUntilClosed(s);
            assertThat(answer).startsWith("HTTP/1.1 400");
            assertThat(json(answer).path("message").asText()).contains("TLS is not offered");
        }
    }

    @Test
    void nulByteInTheMethod_is400WithJsonError() throws Exception {
        try (Socket s = open()) {
            s.getOutputStream().write("G\0T /api/vendors HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = readUntilClosed(s);
            assertThat(answer).startsWith("HTTP/1.1 400");
            assertThat(json(answer).path("error").asText()).isEqualTo("bad_request");
        }
    }

    @Test
    void tenMegabyteBody_isAReadable413() throws Exception {
        long client = TestSut.queryLong("SELECT min(id) FROM clients");
        byte[] body = new byte[10 << 20];
        Arrays.fill(body, (byte) ' ');
        try (Socket s = open()) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/clients/" + client + "/tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body); // a broken pipe here would mean the server closed while the client still sent
            out.flush();
            String answer = readUntilClosedOrResponse(s);
            assertThat(answer).startsWith("HTTP/1.1 413");
            assertThat(json(answer).path("error").asText()).isEqualTo("payload_too_large");
            assertThat(json(answer).path("message").asText()).contains("SUT_MAX_BODY_BYTES");
        }
    }

    @Test
    void oneClientHoldingItsShareOfConnections_nextIs503_othersUnaffected() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < PER_CLIENT; i++) {
                Socket s = open();
                // kept alive after one answer: an idle connection still holds its place
                s.getOutputStream().write("GET /api/performance/health HTTP/1.1\r\nHost: x\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(readUntilClosedOrResponse(s)).startsWith("HTTP/1.1 200");
                held.add(s);
            }
            try (Socket extra = open()) {
                extra.getOutputStream().write("GET /api/vendors?size=1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = readUntilClosed(extra);
                assertThat(answer).startsWith("HTTP/1.1 503");
                assertThat(json(answer).path("error").asText()).isEqualTo("too_many_connections");
                assertThat(answer).contains("Retry-After: 1");
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        // places are given back when connections end
        Http http = new Http("http://127.0.0.1:" + sut.port());
        int status = 0;
        for (int attempt = 0; attempt < 50 && status != 200; attempt++) {
            status = http.get("/api/vendors?size=1").status();
            if (status != 200) {
                Thread.sleep(100);
            }
        }
        assertThat(status).isEqualTo(200);
    }

    @Test
    void listener_boundToLoopbackByDefault() {
        assertThat(TestSut.config(Map.of()).listener().host()).isEqualTo("127.0.0.1");
    }

    private static Socket open() throws IOException {
        Socket s = new Socket("127.0.0.1", sut.port());
        s.setSoTimeout(NO_HANG_MS);
        return s;
    }

    /** Reads until the server closes; fails (SocketTimeoutException) if it holds the connection open instead. */
    private static String readUntilClosed(Socket s) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException held) {
            throw new AssertionError("connection held open for " + NO_HANG_MS + " ms; read so far: " + got, held);
        } catch (java.net.SocketException reset) {
            // a reset is a close too
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    /** Reads one response (up to the end of its Content-Length body) or until the server closes. */
    private static String readUntilClosedOrResponse(Socket s) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) >= 0; ) {
            got.write(buf, 0, n);
            String text = got.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
                if (m.find() && text.length() - end - 4 >= Integer.parseInt(m.group(1))) {
                    return text;
                }
            }
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    private static JsonNode json(String response) throws IOException {
        return MAPPER.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
    }
}
