package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.TestSut;

/** The event streams on the shared service, which ticks every 300 ms with heartbeats after 400 ms of silence. */
class LiveStreamTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Http http = Http.shared();

    /** One message of an event stream: its fields, or a comment. */
    record Message(String id, String event, String data, String comment, Long retry) {
        JsonNode json() throws Exception {
            return MAPPER.readTree(data);
        }
    }

    /** Reads an event stream message by message; closing it disconnects. */
    static final class Stream implements AutoCloseable {
        final HttpResponse<java.io.InputStream> response;
        private final BufferedReader lines;

        Stream(String path, String... headers) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(TestSut.baseUrl() + path));
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            response = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        Message next() throws Exception {
            String id = null;
            String event = null;
            String data = null;
            String comment = null;
            Long retry = null;
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (id != null || event != null || data != null || comment != null || retry != null) {
                        return new Message(id, event, data, comment, retry);
                    }
                    continue;
                }
                if (line.startsWith(":")) {
                    comment = line.substring(1).strip();
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                } else if (line.startsWith("retry: ")) {
                    retry = Long.parseLong(line.substring(7));
                }
            }
            throw new IllegalStateException("the stream ended");
        }

        Message nextEvent() throws Exception {
            for (Message m = next(); ; m = next()) {
                if (m.event() != null) {
                    return m;
                }
            }
        }

        @Override
        public void close() throws Exception {
            response.body().close();
        }
    }

    @Test
    void dashboard_sendsRetry_thenFiguresWithIds_thenHeartbeatsWhileNothingChanges() throws Exception {
        try (Stream s = new Stream("/api/analytics/live?org=1")) {
            assertThat(s.response.statusCode()).isEqualTo(200);
            assertThat(s.response.headers().firstValue("Content-Type")).hasValue(EventStream.CONTENT_TYPE);
            assertThat(s.response.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(s.response.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(s.next().retry()).isEqualTo(300);
            Message first = s.next();
            assertThat(first.event()).isEqualTo("dashboard");
            assertThat(first.id()).matches("1-[0-9a-f]{16}");
            JsonNode figures = first.json();
            assertThat(figures.path("organization").path("id").asLong()).isEqualTo(1);
            assertThat(figures.path("clients").asLong()).isPositive();
            assertThat(figures.has("clientsByStatus")).isTrue();
            // nothing changes in organization 1 meanwhile: the next messages are heartbeats, not repeats
            Message next = s.next();
            assertThat(next.comment()).isEqualTo("heartbeat");
            assertThat(next.event()).isNull();
        }
    }

    @Test
    void resume_withLastEventId_sendsNothingStale_thenTheChangeAsTheNextId() throws Exception {
        long org = TestSut.queryLong("SELECT max(id) FROM organizations WHERE name NOT LIKE 'Export Test%'");
        String lastId;
        long clients;
        try (Stream s = new Stream("/api/analytics/live?org=" + org)) {
            Message m = s.nextEvent();
            lastId = m.id();
            clients = m.json().path("clients").asLong();
        }
        try (Stream resumed = new Stream("/api/analytics/live?org=" + org, "Last-Event-ID", lastId)) {
            assertThat(resumed.next().retry()).isNotNull();
            // the client already shows these figures: the first thing it gets is a heartbeat
            assertThat(resumed.next().comment()).isEqualTo("heartbeat");
            Http.Response created = http.post("/api/clients", Http.json(java.util.Map.of("orgId", org,
                    "partner1Name", "Live", "partner2Name", "Stream", "email", "live.stream@example.com",
                    "weddingDate", "2027-05-01", "city", "Denver", "guestEstimate", 80, "budgetTotal", 10000)));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            Message changed = resumed.nextEvent();
            long sequence = Long.parseLong(lastId.substring(0, lastId.indexOf('-')));
            assertThat(changed.id()).startsWith((sequence + 1) + "-").isNotEqualTo(lastId);
            assertThat(changed.json().path("clients").asLong()).isEqualTo(clients + 1);
        }
        // an id whose figures are out of date gets the current ones at once
        try (Stream stale = new Stream("/api/analytics/live?org=" + org, "Last-Event-ID", lastId)) {
            Message m = stale.nextEvent();
            assertThat(m.id()).startsWith("2-");
            assertThat(m.json().path("clients").asLong()).isEqualTo(clients + 1);
        }
    }

    @Test
    void badRequests_areJsonErrors_notStreams() {
        Http.Response badId = http.get("/api/analytics/live?org=1", "Last-Event-ID", "yesterday");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().path("field").asText()).isEqualTo("Last-Event-ID");
        assertThat(http.get("/api/analytics/live?org=987654321").status()).isEqualTo(404);
        assertThat(http.get("/api/analytics/live").json().path("field").asText()).isEqualTo("org");
        assertThat(http.get("/api/performance/metrics/stream?intervalMs=5").json().path("field").asText())
                .isEqualTo("intervalMs");
        assertThat(http.get("/api/performance/metrics/stream", "Last-Event-ID", "1-abc").json().path("field")
                .asText()).isEqualTo("Last-Event-ID");
    }

    @Test
    void metricsStream_withAnIntervalLongerThanTheHeartbeat_sendsHeartbeatsBetweenEvents() throws Exception {
        try (Stream s = new Stream("/api/performance/metrics/stream?intervalMs=1000", "Last-Event-ID", "41")) {
            assertThat(s.next().retry()).isEqualTo(1000);
            Message first = s.next();
            assertThat(first.comment()).isEqualTo("heartbeat"); // at 400 ms, before the first event at 1 s
            Message event = s.nextEvent();
            assertThat(event.id()).isEqualTo("42"); // numbering goes on from the client's last id
        }
    }

    @Test
    void metricsStream_reportsTheLastIntervalsRequests_poolsAndCache() throws Exception {
        try (Stream s = new Stream("/api/performance/metrics/stream?intervalMs=500")) {
            assertThat(s.next().retry()).isEqualTo(500);
            List<JsonNode> events = new ArrayList<>();
            // requests made while the stream runs show up in one of the next intervals; they are sent before each
            // event, since on a busy machine the stream may take its first snapshot after a burst sent at once
            JsonNode withVendors = null;
            for (int i = 0; i < 6 && withVendors == null; i++) {
                for (int r = 0; r < 4; r++) {
                    http.get("/api/vendors?size=5&city=Denver");
                }
                Message m = s.nextEvent();
                assertThat(m.event()).isEqualTo("metrics");
                assertThat(m.id()).isEqualTo(Integer.toString(i + 1));
                JsonNode e = m.json();
                events.add(e);
                for (JsonNode endpoint : e.path("endpoints")) {
                    if (endpoint.path("route").asText().equals("GET /api/vendors")) {
                        withVendors = endpoint;
                    }
                }
            }
            assertThat(withVendors).as("events: %s", events).isNotNull();
            assertThat(withVendors.path("count").asLong()).isBetween(1L, 24L);
            assertThat(withVendors.path("perSecond").asDouble()).isPositive();
            assertThat(withVendors.path("p95Ms").asDouble()).isGreaterThanOrEqualTo(withVendors.path("p50Ms").asDouble());
            JsonNode last = events.getLast();
            assertThat(last.path("pools").path("read").path("max").asInt()).isPositive();
            assertThat(last.path("cache").has("hitRatio")).isTrue();
            assertThat(last.path("slowStatements").has("new")).isTrue();
            assertThat(last.path("streams").path("metricsStream").asInt()).isGreaterThanOrEqualTo(1);
            // each event is its record, field for field (an unknown field fails; written back, the same tree)
            var strict = dev.perfgate.sut.contract.Json.MAPPER.copy()
                    .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            MetricsEvent typed = strict.treeToValue(last, MetricsEvent.class);
            assertThat(strict.readTree(dev.perfgate.sut.contract.Json.bytes(typed)))
                    .isEqualTo(strict.readTree(last.toString()));
        }
    }
}
