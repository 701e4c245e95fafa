package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.TestSut;

/**
 * Each class of bad input gets the contract's JSON error with the right 4xx, naming what was wrong, and changes
 * nothing stored.
 */
class BadInputTest {
    private final Http http = Http.shared();

    static Stream<Arguments> badRequests() {
        long client = TestSut.queryLong("SELECT min(id) FROM clients");
        long item = TestSut.queryLong("SELECT min(id) FROM budget_items");
        long task = TestSut.queryLong("SELECT min(id) FROM tasks");
        String tasks = "/api/clients/" + client + "/tasks";
        return Stream.of(
                // method, path, body, status, error, field, message fragment
                Arguments.of("GET", "/api/clients/abc", null, 400, "bad_request", "id", "must be a positive integer"),
                Arguments.of("GET", "/api/clients/-3", null, 400, "bad_request", "id", "must be a positive integer"),
                Arguments.of("GET", "/api/clients/99999999", null, 404, "not_found", null, "client 99999999 does not exist"),
                Arguments.of("GET", "/api/vendors/99999999", null, 404, "not_found", null, "vendor 99999999"),
                Arguments.of("GET", "/api/clients", null, 400, "bad_request", "org", "org is required"),
                Arguments.of("GET", "/api/clients?org=99999999", null, 404, "not_found", null, "organization 99999999"),
                Arguments.of("GET", "/api/clients?org=1&size=0", null, 400, "bad_request", "size", "from 1 to 100"),
                Arguments.of("GET", "/api/clients?org=1&size=101", null, 400, "bad_request", "size", "from 1 to 100"),
                Arguments.of("GET", "/api/clients?org=1&page=-1", null, 400, "bad_request", "page", "from 0 to 10000"),
                Arguments.of("GET", "/api/clients?org=1&page=x", null, 400, "bad_request", "page", "from 0 to 10000"),
                Arguments.of("GET", "/api/clients?org=1&sort=email", null, 400, "bad_request", "sort", "must be one of"),
                Arguments.of("GET", "/api/clients?org=1&status=married", null, 400, "bad_request", "status", "must be one of"),
                Arguments.of("GET", "/api/clients?org=1&cursor=bm9wZQ", null, 400, "bad_request", "cursor", "not one this service issued"),
                Arguments.of("GET", "/api/clients?org=1&org=2", null, 400, "bad_request", "org", "given 2 times"),
                Arguments.of("GET", "/api/clients?org=1&colour=red", null, 400, "bad_request", "colour", "unknown query parameter"),
                Arguments.of("GET", "/api/vendors?minRating=6", null, 400, "bad_request", "minRating", "from 0 to 5"),
                Arguments.of("GET", "/api/vendors?category=dj", null, 400, "bad_request", "category", "must be one of"),
                Arguments.of("GET", "/api/notifications", null, 400, "bad_request", "user", "user is required"),
                Arguments.of("GET", "/api/notifications?user=99999999", null, 404, "not_found", null, "user 99999999"),
                Arguments.of("GET", "/api/notifications?user=1&unread=maybe", null, 400, "bad_request", "unread", "true or false"),
                Arguments.of("GET", "/api/clients/" + client + "/timeline?from=2026-02-30", null, 400, "bad_request", "from", "a date like"),
                Arguments.of("GET", "/api/clients/" + client + "/timeline?from=2026-02-01&to=2026-01-01", null, 400, "bad_request", "to", "must not be before"),
                Arguments.of("GET", "/api/analytics/dashboard?org=x", null, 400, "bad_request", "org", "positive integer"),
                Arguments.of("POST", tasks, "{\"title\": \"x\",", 400, "malformed_json", null, "not valid JSON"),
                Arguments.of("POST", tasks, "[]", 400, "bad_request", null, "must be a JSON object"),
                Arguments.of("POST", tasks, "{}", 400, "bad_request", "title", "title is required"),
                Arguments.of("POST", tasks, "{\"title\": 7, \"dueDate\": \"2026-01-01\"}", 400, "bad_request", "title", "must be a string"),
                Arguments.of("POST", tasks, "{\"title\": \"x\", \"dueDate\": 20260101}", 400, "bad_request", "dueDate", "date string"),
                Arguments.of("POST", tasks, "{\"title\": \"x\", \"dueDate\": \"2026-01-01\", \"priority\": 9}", 400, "bad_request", "priority", "from 1 to 3"),
                Arguments.of("POST", tasks, "{\"title\": \"x\", \"dueDate\": \"2026-01-01\", \"priority\": 1.5}", 400, "bad_request", "priority", "an integer"),
                Arguments.of("POST", tasks, "{\"title\": \"x\", \"dueDate\": \"2026-01-01\", \"status\": \"later\"}", 400, "bad_request", "status", "must be one of"),
                Arguments.of("POST", tasks, "{\"title\": \"\", \"dueDate\": \"2026-01-01\"}", 400, "bad_request", "title", "1 to 200 characters"),
                Arguments.of("POST", tasks, "{\"title\": \"x\", \"dueDate\": \"2026-01-01\", \"owner\": 1}", 400, "bad_request", "owner", "unknown field"),
                Arguments.of("POST", tasks, "{\"title\": \"x\", \"dueDate\": \"2026-01-01\", \"assigneeId\": 99999999}", 422, "unprocessable", "assigneeId", "does not exist"),
                Arguments.of("POST", "/api/clients/99999999/tasks", "{\"title\": \"x\", \"dueDate\": \"2026-01-01\"}", 404, "not_found", null, "client 99999999"),
                Arguments.of("POST", "/api/clients", "{\"orgId\": 1}", 400, "bad_request", "partner1Name", "is required"),
                Arguments.of("POST", "/api/clients", "{\"orgId\": 99999999, \"partner1Name\": \"a\", \"partner2Name\": \"b\","
                        + " \"email\": \"a@b.co\", \"weddingDate\": \"2027-01-01\", \"city\": \"X\", \"guestEstimate\": 10,"
                        + " \"budgetTotal\": 100}", 422, "unprocessable", "orgId", "organization 99999999 does not exist"),
                Arguments.of("POST", "/api/clients", "{\"orgId\": 1, \"partner1Name\": \"a\", \"partner2Name\": \"b\","
                        + " \"email\": \"not-an-email\", \"weddingDate\": \"2027-01-01\", \"city\": \"X\","
                        + " \"guestEstimate\": 10, \"budgetTotal\": 100}", 400, "bad_request", "email", "e-mail address"),
                Arguments.of("PUT", "/api/budget-items/" + item, "{\"category\": \"x\", \"estimated\": -5, \"actual\": 0}", 400, "bad_request", "estimated", "from 0 to"),
                Arguments.of("PUT", "/api/budget-items/" + item, "{\"category\": \"x\", \"estimated\": 1.005, \"actual\": 0}", 400, "bad_request", "estimated", "at most 2 decimals"),
                Arguments.of("PUT", "/api/budget-items/" + item, "{\"category\": \"x\", \"estimated\": \"10\", \"actual\": 0}", 400, "bad_request", "estimated", "must be a number"),
                Arguments.of("PUT", "/api/budget-items/" + item, "{\"category\": \"x\", \"estimated\": 1, \"actual\": 0, \"vendorId\": 99999999}", 422, "unprocessable", "vendorId", "vendor 99999999"),
                Arguments.of("PUT", "/api/budget-items/" + item, "{\"category\": \"x\", \"estimated\": 1, \"actual\": 0, \"version\": 999}", 409, "conflict", "version", "reload and retry"),
                Arguments.of("PUT", "/api/budget-items/99999999", "{\"category\": \"x\", \"estimated\": 1, \"actual\": 0}", 404, "not_found", null, "budget item 99999999"),
                Arguments.of("PATCH", "/api/tasks/" + task, "{}", 400, "bad_request", null, "at least one of"),
                Arguments.of("PATCH", "/api/tasks/" + task, "{\"status\": null}", 400, "bad_request", "status", "cannot be null"),
                Arguments.of("PATCH", "/api/tasks/99999999", "{\"status\": \"done\"}", 404, "not_found", null, "task 99999999"),
                Arguments.of("POST", "/api/clients/" + client + "/bookings", "{\"vendorId\": 99999999, \"amount\": 1}", 422, "unprocessable", "vendorId", "vendor 99999999"),
                Arguments.of("DELETE", "/api/clients/" + client, null, 405, "method_not_allowed", null, "allowed: GET, PUT"),
                Arguments.of("GET", "/api/no-such-thing", null, 404, "not_found", null, "no endpoint for GET /api/no-such-thing"),
                // found by fuzzing (issue: 500s from bad input): a cursor decoding to JSON null, nesting past Jackson's
                // limit (its error has no location), and an unpaired surrogate
                Arguments.of("GET", "/api/vendors?cursor=bnVsbA", null, 400, "bad_request", "cursor", "not one this service issued"),
                Arguments.of("GET", "/api/clients?org=1&cursor=bnVsbA", null, 400, "bad_request", "cursor", "not one this service issued"),
                Arguments.of("PATCH", "/api/tasks/" + task, "[".repeat(10_000) + "]".repeat(10_000), 400, "malformed_json", null, "not valid JSON"),
                Arguments.of("POST", tasks, "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000), 400, "malformed_json", null, "not valid JSON"),
                Arguments.of("PATCH", "/api/tasks/" + task, "{\"status\": \"\\ud800\"}", 400, "bad_request", "status", "unpaired UTF-16 surrogate"));
    }

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @MethodSource("badRequests")
    void badInput_getsJsonErrorNamingTheProblem(String method, String path, String body, int status, String error,
                                                String field, String fragment) {
        Http.Response r = http.send(method, path, body);
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().path("error").asText()).isEqualTo(error);
        assertThat(r.json().path("message").asText()).contains(fragment);
        if (field != null) {
            assertThat(r.json().path("field").asText()).isEqualTo(field);
        }
    }

    @ParameterizedTest(name = "Content-Type {0} -> 415")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"application/jsonx", "application/json; charset=utf-16",
            "application/json; charset=latin1", "text/plain", "application/json;v=2"})
    void body_withAnotherMediaTypeOrCharset_is415_andStoresNothing(String type) {
        long task = TestSut.queryLong("SELECT min(id) FROM tasks");
        String before = TestSut.queryColumn("SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM tasks t WHERE id = " + task).getFirst();
        Http.Response r = http.send("PATCH", "/api/tasks/" + task, "{\"status\": \"done\"}", "Content-Type", type);
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.json().path("error").asText()).isEqualTo("unsupported_media_type");
        assertThat(r.json().path("message").asText()).contains(type);
        assertThat(TestSut.queryColumn("SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM tasks t WHERE id = " + task).getFirst()).isEqualTo(before);
        String status = TestSut.queryColumn("SELECT status FROM tasks WHERE id = " + task).getFirst();
        assertThat(http.send("PATCH", "/api/tasks/" + task, "{\"status\": \"" + status + "\"}", "Content-Type",
                "Application/JSON; Charset=\"UTF-8\"").status()).as("UTF-8 JSON in any case").isEqualTo(200);
    }

    @Test
    void body_withoutContentType_is415() throws Exception {
        long task = TestSut.queryLong("SELECT min(id) FROM tasks");
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(TestSut.baseUrl() + "/api/tasks/" + task))
                .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"status\": \"done\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(r.body()).contains("Content-Type is required");
    }

    @Test
    void undecodableUri_isAJsonErrorToo() throws Exception {
        // java.net.URI refuses to build this request, so it goes over a plain socket
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", TestSut.get().port())) {
            socket.getOutputStream().write(("GET /api/vendors?q=%zz HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400");
            assertThat(response.toLowerCase()).contains("content-type: application/json");
            assertThat(response).contains("{\"error\":\"bad_request\"").contains("could not be parsed");
        }
    }

    @Test
    void wrongContentType_is415() {
        long client = TestSut.queryLong("SELECT min(id) FROM clients");
        Http.Response r = http.post("/api/clients/" + client + "/tasks", "title=x", "Content-Type", "text/plain");
        assertThat(r.status()).isEqualTo(415);
        assertThat(r.json().path("error").asText()).isEqualTo("unsupported_media_type");
    }

    @Test
    void oversizedBody_is413() {
        long client = TestSut.queryLong("SELECT min(id) FROM clients");
        String big = "{\"title\": \"" + "x".repeat(70_000) + "\", \"dueDate\": \"2026-01-01\"}";
        Http.Response r = http.post("/api/clients/" + client + "/tasks", big);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().path("message").asText()).contains("larger than 65536 bytes");
    }

    @Test
    void unknownPerfMode_is400() {
        Http.Response r = http.get("/api/performance/health", "X-Perf-Mode", "turbo");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("field").asText()).isEqualTo("X-Perf-Mode");
    }

    @Test
    void perfModeByItsOldName_is400NamingTheNewOne() {
        Http.Response r = http.get("/api/performance/health", "X-Perf-Mode", "baseline");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("field").asText()).isEqualTo("X-Perf-Mode");
        assertThat(r.json().path("message").asText()).contains("\"baseline\"").contains("send naive");
    }

    @Test
    void rejectedWrites_leaveStoredDataUnchanged() {
        long item = TestSut.queryLong("SELECT min(id) FROM budget_items");
        long task = TestSut.queryLong("SELECT min(id) FROM tasks");
        String before = TestSut.queryColumn("SELECT b::text FROM budget_items b WHERE id = " + item).getFirst()
                + TestSut.queryColumn("SELECT t::text FROM tasks t WHERE id = " + task).getFirst();
        long tasksBefore = TestSut.queryLong("SELECT count(*) FROM tasks");

        http.put("/api/budget-items/" + item, "{\"category\": \"x\", \"estimated\": -1, \"actual\": 0}");
        http.put("/api/budget-items/" + item, "{\"category\": \"x\", \"estimated\": 1, \"actual\": 0, \"vendorId\": 99999999}");
        http.put("/api/budget-items/" + item, "{\"category\": \"x\", \"estimated\": 1, \"actual\": 0, \"version\": 999}");
        http.patch("/api/tasks/" + task, "{\"status\": \"done\", \"assigneeId\": 99999999}");
        http.patch("/api/tasks/" + task, "{\"status\": \"done\", \"priority\": 0}");
        http.post("/api/clients/" + TestSut.queryLong("SELECT min(id) FROM clients") + "/tasks",
                "{\"title\": \"x\", \"dueDate\": \"2026-01-01\", \"assigneeId\": 99999999}");

        String after = TestSut.queryColumn("SELECT b::text FROM budget_items b WHERE id = " + item).getFirst()
                + TestSut.queryColumn("SELECT t::text FROM tasks t WHERE id = " + task).getFirst();
        assertThat(after).isEqualTo(before);
        assertThat(TestSut.queryLong("SELECT count(*) FROM tasks")).isEqualTo(tasksBefore);
    }
}
