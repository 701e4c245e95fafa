package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.TestSut;

/** Security headers and request ids on every kind of response, errors from every layer included. */
class ResponseHeadersTest {
    private final Http http = Http.shared();

    private static void assertSecure(String what, java.net.http.HttpHeaders headers) {
        assertThat(headers.firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
        assertThat(headers.firstValue("Content-Security-Policy")).as(what)
                .hasValue("default-src 'none'; frame-ancestors 'none'");
        assertThat(headers.firstValue("X-Frame-Options")).as(what).hasValue("DENY");
        assertThat(headers.firstValue("Cache-Control")).as(what).isPresent();
        assertThat(headers.firstValue("X-Request-Id")).as(what).isPresent();
    }

    @Test
    void successfulRead_revalidates_writesAndErrorsAreNeverStored() {
        Http.Response ok = http.get("/api/clients?org=1&size=2");
        assertSecure("200", ok.raw().headers());
        assertThat(ok.header("Cache-Control")).isEqualTo("private, no-cache");

        Http.Response notModified = http.get("/api/clients?org=1&size=2", "If-None-Match", ok.header("ETag"));
        assertThat(notModified.status()).isEqualTo(304);
        assertSecure("304", notModified.raw().headers());

        for (Http.Response error : List.of(http.get("/api/clients?org=abc"), http.get("/api/clients/999999999"),
                http.send("DELETE", "/api/clients", null), http.get("/api/nowhere"),
                http.post("/api/admin/metrics/reset", null),
                http.post("/api/clients", "{\"pad\": \"" + "y".repeat(70_000) + "\"}"))) { // 413
            String what = error.status() + " " + error.body();
            assertThat(error.status()).as(what).isBetween(400, 499);
            assertSecure(what, error.raw().headers());
            assertThat(error.header("Cache-Control")).as(what).isEqualTo("no-store");
            assertThat(error.json().path("requestId").asText()).as(what).isEqualTo(error.header("X-Request-Id"));
        }
    }

    @Test
    void transportErrors_fromHelidonItself_carryTheHeadersToo() throws Exception {
        // an undecodable URI never reaches a route: Helidon's direct handler answers it (sent over a raw socket,
        // because HTTP clients refuse to send such a URI at all)
        String response;
        try (Socket socket = new Socket("127.0.0.1", TestSut.get().port())) {
            socket.getOutputStream().write(("GET /api/clients%zz HTTP/1.1\r\nHost: localhost\r\n"
                    + "X-Request-Id: bad-uri-1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(response).startsWith("HTTP/1.1 400")
                .containsIgnoringCase("X-Content-Type-Options: nosniff")
                .containsIgnoringCase("Content-Security-Policy: default-src 'none'; frame-ancestors 'none'")
                .containsIgnoringCase("Cache-Control: no-store");
        // the request line failed before its headers were read, so the service made the id
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("(?i)X-Request-Id: (\\S+)").matcher(response);
        assertThat(id.find()).isTrue();
        assertThat(response).contains("\"requestId\":\"" + id.group(1) + "\"");
    }

    @Test
    void monitorPage_isHtmlUnderAStrictPolicy_withItsScriptAndStylesAsFiles() {
        Http.Response page = http.get("/monitor");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(page.header("Content-Security-Policy")).isEqualTo(SecurityHeaders.HTML_POLICY)
                .contains("script-src 'self'").doesNotContain("unsafe-inline");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.body()).contains("<script src=\"/monitor/monitor.js\"").doesNotContain("<script>")
                .doesNotContain("style=");
        Http.Response script = http.get("/monitor/monitor.js");
        assertThat(script.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(script.body()).contains("new EventSource(\"/api/performance/metrics/stream")
                .doesNotContain(".innerHTML");
        assertThat(http.get("/monitor/monitor.css").header("Content-Type")).startsWith("text/css");
        Http.Response missing = http.get("/monitor/secrets.txt");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Security-Policy")).isEqualTo(SecurityHeaders.API_POLICY);
    }

    @Test
    void requestId_isEchoed_whenPlain_andReplacedWhenNot() {
        assertThat(http.get("/api/performance/health", "X-Request-Id", "lb-7f3a.42:x").header("X-Request-Id"))
                .isEqualTo("lb-7f3a.42:x");
        String made = http.get("/api/performance/health").header("X-Request-Id");
        assertThat(made).matches("[0-9a-f]{8}-[0-9a-f]+");
        String forged = http.get("/api/performance/health", "X-Request-Id", "<script>x</script>").header("X-Request-Id");
        assertThat(forged).matches("[0-9a-f]{8}-[0-9a-f]+");
        assertThat(http.get("/api/performance/health", "X-Request-Id", "x".repeat(129)).header("X-Request-Id"))
                .matches("[0-9a-f]{8}-[0-9a-f]+");
        assertThat(http.get("/api/performance/health", "X-Request-Id", "x".repeat(128)).header("X-Request-Id"))
                .isEqualTo("x".repeat(128));
    }

    @Test
    void slowestRequests_inMetrics_nameTheirIds_soTheLogLineCanBeFound() {
        assertThat(http.post("/api/admin/metrics/reset", null, "Authorization", "Bearer " + TestSut.ADMIN_TOKEN)
                .status()).isEqualTo(200);
        http.get("/api/vendors?size=100", "X-Request-Id", "find-me-in-the-log");
        JsonNode vendors = null;
        for (JsonNode e : http.get("/api/performance/metrics").json().path("endpoints")) {
            if (e.path("route").asText().equals("GET /api/vendors")) {
                vendors = e;
            }
        }
        assertThat(vendors).isNotNull();
        assertThat(vendors.path("slowestRequests")).hasSize(1);
        assertThat(vendors.path("slowestRequests").get(0).path("requestId").asText()).isEqualTo("find-me-in-the-log");
        assertThat(vendors.path("slowestRequests").get(0).path("status").asInt()).isEqualTo(200);
    }
}
