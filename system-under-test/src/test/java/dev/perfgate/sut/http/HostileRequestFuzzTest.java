package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import dev.perfgate.sut.TestSut;

/**
 * 1,500 hostile requests, generated from a fixed seed over every route of the service: malformed ids, cursors and
 * query values, unknown and repeated parameters, wrong and missing media types and charsets, malformed, deeply
 * nested, oversized and mistyped JSON bodies, lone surrogates, NUL bytes, foreign methods, forged admin tokens and
 * garbage in every header the service reads. Every write carries at least one defect, so none may succeed.
 *
 * <p>Asserts: no 5xx; every 4xx carries the JSON error body; no request hangs (each has a 10 s timeout and the whole
 * run is bounded); and the stored data is unchanged — row count and an order-independent checksum of every table,
 * before and after. A failing request is printed with its seed index, so it can be replayed.
 */
class HostileRequestFuzzTest {
    private static final long SEED = 19;
    private static final int REQUESTS = 1500;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Every route, with how to fill its path parameter; streams only get requests they must refuse. */
    private static final List<String> READS = List.of("/api/analytics/dashboard", "/api/analytics/vendors",
            "/api/clients", "/api/clients/export", "/api/clients/{id}", "/api/clients/{id}/budget",
            "/api/clients/{id}/guests", "/api/clients/{id}/timeline", "/api/notifications", "/api/performance/health",
            "/api/performance/metrics", "/api/performance/queries", "/api/vendors", "/api/vendors/{id}", "/metrics",
            "/monitor", "/monitor/{file}");
    private static final List<String> STREAMS = List.of("/api/analytics/live", "/api/performance/metrics/stream");
    private static final Map<String, String> WRITES = new LinkedHashMap<>();

    static {
        WRITES.put("/api/clients", "POST");
        WRITES.put("/api/clients/{id}", "PUT");
        WRITES.put("/api/clients/{id}/bookings", "POST");
        WRITES.put("/api/clients/{id}/tasks", "POST");
        WRITES.put("/api/budget-items/{id}", "PUT");
        WRITES.put("/api/tasks/{id}", "PATCH");
        WRITES.put("/api/admin/cache/clear", "POST");
        WRITES.put("/api/admin/metrics/reset", "POST");
        WRITES.put("/api/admin/queries/analyze", "POST");
        WRITES.put("/api/admin/vendors/ratings/recompute", "POST");
    }

    private static final String[] BAD_IDS = {"abc", "-1", "0", "1.5", "99999999999999999999", "%00", "%2e%2e%2f",
            "1%20OR%201=1", "9".repeat(3000), "%F0%9F%92%A5", "1e3", "0x10", "%C0%AE", "NaN", "%0d%0aX-Injected:%201"};
    private static final String[] BAD_VALUES = {"", "-1", "0", "1e400", "NaN", "abc", "%00", "%FF%FE", "2026-02-30",
            "2026-13-01", "9".repeat(400), "'%3B%20DROP%20TABLE%20clients%3B--", "%E2%80%AE", "true%00",
            "%22%7D%5D", "1,2", "null"};
    private static final String[] PARAMS = {"org", "size", "page", "cursor", "sort", "status", "category", "minRating",
            "from", "to", "user", "unread", "rsvp", "top", "format", "tag", "q", "colour"};
    private static final String[] CURSORS = {"bnVsbA", "W10", "e30", "bm9wZQ", "!!!", "eyJ0IjoiYSJ9",
            b64("{\"after\":" + "[".repeat(5000) + "]".repeat(5000) + "}"), b64("\"\\ud800\""), b64("1e999999"),
            "A".repeat(5000)};
    private static final String[] CONTENT_TYPES = {null, "text/plain", "application/jsonx", "application/json; charset=utf-16",
            "application/json; charset=latin1", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/json; charset=\"", "*/*", "application/json;;;"};
    private static final String[] HEADER_GARBAGE = {"\u0001\u0002", "x".repeat(6000), "gzip;q=2, br;q=-1, *;q=nan",
            "\"\"\"", "W/", "naive, naive", "Bearer ", "Bearer test-admin-token-012345678", "../../etc/passwd",
            "%00", "utf-8''%ff"};
    private static final String[] BAD_BODIES = {"{", "[]", "{}", "null", "\"text\"", "{\"title\": }", "{'title': 'x'}",
            "[".repeat(10_000) + "]".repeat(10_000), "{\"a\":".repeat(5000) + "1" + "}".repeat(5000),
            "{\"title\": \"\\ud800\", \"dueDate\": \"2027-01-01\"}", "{\"title\": \"x\u0000\"", "\uFEFF{\"title\":\"x\", \"unknownField\": 1}",
            "{\"title\": 1e400, \"dueDate\": \"2027-01-01\"}", "{\"name\": \"" + "x".repeat(70_000) + "\"}",
            "{\"title\": \"x\", \"dueDate\": \"2027-01-01\", \"unknownField\": 1}",
            "{\"title\": \"x\", \"title\": \"y\", \"dueDate\": \"nope\"}", "{\"amount\": -1e308, \"status\": [] }",
            "{\"vendorId\": \"1\", \"date\": {}}", "{\"priority\": 99, \"version\": -5}",
            "{\"email\": \"" + "\u0000".repeat(10) + "\", \"weddingDate\": \"00-00-00\"}"};

    @Test
    void hostileRequests_neverA5xx_alwaysJsonErrors_dataUnchanged() throws Exception {
        Map<String, String> before = tableChecksums();
        long clientId = TestSut.queryLong("SELECT min(id) FROM clients");
        long taskId = TestSut.queryLong("SELECT min(id) FROM tasks");
        long itemId = TestSut.queryLong("SELECT min(id) FROM budget_items");
        long vendorId = TestSut.queryLong("SELECT min(id) FROM vendors");

        List<HttpRequest> requests = new ArrayList<>();
        Random random = new Random(SEED);
        for (int i = 0; i < REQUESTS; i++) {
            requests.add(generate(random, i, Map.of("client", clientId, "task", taskId, "item", itemId,
                    "vendor", vendorId)));
        }
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            int index = i;
            answers.add(pool.submit(() -> send(index, requests.get(index), problems)));
        }
        for (Future<Integer> answer : answers) {
            statuses.merge(answer.get(), 1, Integer::sum);
        }
        pool.shutdown();

        System.out.println("hostile request fuzz: " + REQUESTS + " requests (seed " + SEED + "), statuses "
                + statuses.entrySet().stream().map(e -> e.getValue() + " × " + e.getKey())
                .collect(Collectors.joining(", ")));
        assertThat(problems).as("requests answered wrongly").isEmpty();
        assertThat(statuses.keySet()).noneMatch(s -> s >= 500);
        assertThat(tableChecksums()).as("stored data after the fuzz").isEqualTo(before);
    }

    private static int send(int index, HttpRequest request, ConcurrentLinkedQueue<String> problems) {
        String what = "#" + index + " " + request.method() + " " + request.uri();
        try {
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            int status = r.statusCode();
            boolean write = !request.method().equals("GET") && !request.method().equals("HEAD");
            if (status >= 500) {
                problems.add(what + " -> " + status + " " + abbreviate(r.body()));
            } else if (write && status < 400 && !request.method().equals("OPTIONS")) {
                problems.add(what + " -> " + status + ": a write with a defect was accepted");
            } else if (status >= 400 && !request.method().equals("HEAD")) {
                JsonNode body = json(r.body());
                if (body == null || !body.hasNonNull("error") || !body.hasNonNull("message")) {
                    problems.add(what + " -> " + status + " without the JSON error body: " + abbreviate(r.body()));
                }
            }
            return status;
        } catch (Exception e) {
            problems.add(what + " -> no answer: " + e);
            return 0;
        }
    }

    private static HttpRequest generate(Random random, int index, Map<String, Long> ids) {
        int kind = random.nextInt(10);
        String method;
        String path;
        String body = null;
        if (kind < 4) {
            method = random.nextInt(8) == 0 ? pick(random, new String[] {"DELETE", "PUT", "TRACE", "FOO", "OPTIONS"})
                    : "GET";
            path = fill(random, pick(random, READS), ids);
        } else if (kind < 5) {
            method = "GET";
            path = fill(random, pick(random, STREAMS), ids); // refused: every query below carries a defect
        } else {
            Map.Entry<String, String> route = new ArrayList<>(WRITES.entrySet()).get(random.nextInt(WRITES.size()));
            method = random.nextInt(10) == 0 ? "GET" : route.getValue();
            path = fill(random, route.getKey(), ids);
            body = pick(random, BAD_BODIES);
        }
        boolean stream = STREAMS.stream().anyMatch(path::startsWith);
        path += query(random, stream || random.nextBoolean());
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(TestSut.baseUrl() + path))
                .timeout(Duration.ofSeconds(10));
        if (body != null) {
            b.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            String type = random.nextInt(3) == 0 ? pick(random, CONTENT_TYPES) : "application/json";
            if (type != null) {
                b.header("Content-Type", type);
            }
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        for (String header : new String[] {"Accept-Encoding", "If-None-Match", "X-Perf-Mode", "X-Request-Id",
                "Authorization", "X-Api-Key", "Accept", "X-Forwarded-For"}) {
            if (random.nextInt(6) == 0) {
                String value = pick(random, HEADER_GARBAGE);
                if (value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) { // the client refuses control bytes
                    b.header(header, value);
                }
            }
        }
        return b.build();
    }

    /** Replaces {id} or {file} with a real id, a bad one, or a missing one. */
    private static String fill(Random random, String route, Map<String, Long> ids) {
        String id = switch (random.nextInt(4)) {
            case 0 -> Long.toString(ids.get(route.contains("tasks/") ? "task" : route.contains("budget-items")
                    ? "item" : route.contains("vendors") ? "vendor" : "client"));
            case 1 -> "99999999";
            default -> pick(random, BAD_IDS);
        };
        return route.replace("{id}", id).replace("{file}", random.nextBoolean() ? "..%2f..%2fpom.xml" : id);
    }

    /** A query string; when it must be refused, it holds at least one bad value or an unknown parameter. */
    private static String query(Random random, boolean defective) {
        List<String> parts = new ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            String name = pick(random, PARAMS);
            String value = name.equals("cursor") ? pick(random, CURSORS) : random.nextBoolean() ? "1"
                    : pick(random, BAD_VALUES);
            parts.add(name + "=" + value);
        }
        if (defective) {
            parts.add(random.nextBoolean() ? "colour=red" : pick(random, new String[] {"size", "page", "org"}) + "="
                    + pick(random, new String[] {"-1", "abc", "%00", "1e400"}));
        }
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    /** Row count and an order-independent checksum of every table of the service's schema. */
    static Map<String, String> tableChecksums() {
        Map<String, String> sums = new TreeMap<>();
        for (String table : TestSut.queryColumn("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                + " AND tablename NOT LIKE 'flyway%' ORDER BY 1")) {
            sums.put(table, TestSut.queryColumn("SELECT count(*) || ':' || coalesce(sum(hashtext(t::text)::bigint), 0)"
                    + " FROM " + table + " t").getFirst());
        }
        return sums;
    }

    private static JsonNode json(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static <T> T pick(Random random, List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    private static <T> T pick(Random random, T[] options) {
        return options[random.nextInt(options.length)];
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
