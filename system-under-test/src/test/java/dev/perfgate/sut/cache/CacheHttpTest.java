package dev.perfgate.sut.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.Sut;
import dev.perfgate.sut.TestSut;

/**
 * The cache as the API shows it: X-Cache on every cached read, identical bodies cached or not, read-your-writes,
 * conditional GETs, the admin clear, and two service instances sharing Redis and the database.
 */
class CacheHttpTest {
    private static final String[] ADMIN = {"Authorization", "Bearer " + TestSut.ADMIN_TOKEN};
    private final Http http = Http.shared();

    private static long client() {
        return TestSut.queryLong("SELECT c.id FROM clients c WHERE EXISTS (SELECT 1 FROM bookings b"
                + " WHERE b.client_id = c.id) ORDER BY c.id DESC LIMIT 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/clients/{c}", "/api/clients/{c}/budget", "/api/clients/{c}/timeline?size=30",
            "/api/vendors/{v}", "/api/vendors?category=venue&size=7", "/api/notifications?user={u}&unread=true",
            "/api/analytics/dashboard?org={o}"})
    void cachedReads_answerExactlyWhatTheDatabaseDoes(String template) {
        String path = template.replace("{c}", Long.toString(client()))
                .replace("{v}", Long.toString(TestSut.queryLong("SELECT min(vendor_id) FROM bookings")))
                .replace("{u}", Long.toString(TestSut.queryLong("SELECT min(user_id) FROM notifications")))
                .replace("{o}", Long.toString(TestSut.queryLong("SELECT max(org_id) FROM clients")));
        http.post("/api/admin/cache/clear", null, ADMIN);
        Http.Response loaded = http.get(path);
        Http.Response hit = http.get(path);
        Http.Response bypass = http.get(path, "X-Perf-Mode", "naive");
        assertThat(loaded.status()).as(loaded.body()).isEqualTo(200);
        assertThat(loaded.header("X-Cache")).isEqualTo("LOAD");
        assertThat(hit.header("X-Cache")).isEqualTo("L1");
        assertThat(hit.queryCount()).isZero();
        assertThat(bypass.header("X-Cache")).isEqualTo("BYPASS");
        assertThat(hit.body()).isEqualTo(loaded.body()).isEqualTo(bypass.body());
    }

    @Test
    void readYourWrites_andConditionalGets() {
        long id = client();
        String path = "/api/clients/" + id;
        JsonNode before = http.get(path).json();
        Http.Response again = http.get(path);
        String etag = again.header("ETag");
        assertThat(etag).startsWith("\"").endsWith("\"");
        Http.Response notModified = http.get(path, "If-None-Match", etag);
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();

        ObjectNode body = (ObjectNode) before.deepCopy();
        for (String readOnly : List.of("id", "orgId", "createdAt", "updatedAt", "version", "summary")) {
            body.remove(readOnly);
        }
        body.retain("partner1Name", "partner2Name", "email", "phone", "weddingDate", "status", "city", "guestEstimate",
                "budgetTotal");
        body.put("guestEstimate", before.path("guestEstimate").asInt() % 1999 + 1);
        assertThat(http.put(path, body.toString()).status()).isEqualTo(200);

        Http.Response after = http.get(path, "If-None-Match", etag);
        assertThat(after.status()).as("the answer changed, so the tag did").isEqualTo(200);
        assertThat(after.header("X-Cache")).isEqualTo("LOAD");
        assertThat(after.json().path("guestEstimate").asInt()).isEqualTo(body.path("guestEstimate").asInt());
    }

    @Test
    void writes_invalidateWhatTheyChange_andNothingElse() {
        long id = client();
        long org = TestSut.queryLong("SELECT org_id FROM clients WHERE id = " + id);
        long otherClient = TestSut.queryLong("SELECT min(id) FROM clients WHERE id <> " + id);
        String budget = "/api/clients/" + id + "/budget";
        String dashboard = "/api/analytics/dashboard?org=" + org;
        String other = "/api/clients/" + otherClient;
        for (String p : List.of(budget, dashboard, other)) {
            http.get(p);
        }
        JsonNode item = http.get(budget).json().path("items").get(0);
        Map<String, Object> change = Map.of("category", item.path("category").asText(), "description", "re-quoted",
                "estimated", item.path("estimated").decimalValue().add(java.math.BigDecimal.ONE),
                "actual", item.path("actual").decimalValue());
        assertThat(http.put("/api/budget-items/" + item.path("id").asLong(), Http.json(change)).status()).isEqualTo(200);
        assertThat(http.get(budget).header("X-Cache")).isEqualTo("LOAD");
        assertThat(http.get(dashboard).header("X-Cache")).as("the organization's analytics").isEqualTo("LOAD");
        assertThat(http.get(other).header("X-Cache")).as("another couple is untouched").isEqualTo("L1");
    }

    @Test
    void adminClear_needsTheToken_andClearsOneTagOrAll() {
        long id = client();
        String path = "/api/clients/" + id;
        http.get(path);
        assertThat(http.post("/api/admin/cache/clear", null).status()).isEqualTo(401);
        assertThat(http.post("/api/admin/cache/clear?tag=bad%20tag", null, ADMIN).status()).isEqualTo(400);
        assertThat(http.post("/api/admin/cache/clear?tag=client:" + id, null, ADMIN).status()).isEqualTo(200);
        assertThat(http.get(path).header("X-Cache")).isEqualTo("LOAD");
        assertThat(http.get(path).header("X-Cache")).isEqualTo("L1");
        assertThat(http.post("/api/admin/cache/clear", null, ADMIN).json().path("cleared").asText()).isEqualTo("all");
        assertThat(http.get(path).header("X-Cache")).isEqualTo("LOAD");
    }

    @Test
    void metrics_showPerCacheAndLevel() {
        String path = "/api/clients/" + client();
        http.get(path);
        long before = http.get("/api/performance/metrics").json().path("cache").path("caches").path("client-detail")
                .path("l1Hits").asLong();
        long l1Answers = 0;
        for (int i = 0; i < 5; i++) {
            l1Answers += "L1".equals(http.get(path).header("X-Cache")) ? 1 : 0;
        }
        JsonNode cache = http.get("/api/performance/metrics").json().path("cache");
        assertThat(cache.path("breaker").asText()).isEqualTo("CLOSED");
        JsonNode detail = cache.path("caches").path("client-detail");
        assertThat(l1Answers).isPositive();
        assertThat(detail.path("l1Hits").asLong() - before)
                .as("each L1 answer is in the figures read right after it (its request files its hits before it answers)")
                .isEqualTo(l1Answers);
        assertThat(detail.path("latency").path("l1").path("p50Us").isNumber()).isTrue();
        assertThat(http.get("/metrics").body())
                .containsPattern("perfgate_cache_served_total\\{[^}]*cache=\"client-detail\"[^}]*level=\"l1\"");
    }

    @Test
    void notFound_isCachedNegatively() {
        Http.Response first = http.get("/api/clients/987654321");
        Http.Response second = http.get("/api/clients/987654321");
        assertThat(first.status()).isEqualTo(404);
        assertThat(second.status()).isEqualTo(404);
        assertThat(second.header("X-Cache")).isEqualTo("L1");
        assertThat(second.queryCount()).isZero();
        // the same error, told to each request under its own id
        assertThat(second.json().path("requestId")).isNotEqualTo(first.json().path("requestId"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) first.json()).remove("requestId");
        ((com.fasterxml.jackson.databind.node.ObjectNode) second.json()).remove("requestId");
        assertThat(second.json()).isEqualTo(first.json());
    }

    /** Returns the invalidation messages a node has applied, from its metrics. */
    private static long messagesApplied(Http node) {
        return node.get("/api/performance/metrics").json().path("cache").path("invalidationMessagesApplied").asLong();
    }

    /** Waits (at most 5 s) until a node has applied an invalidation message after the count it had. */
    private static void awaitMessage(Http node, long before) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (messagesApplied(node) <= before) {
            assertThat(System.nanoTime()).as("the invalidation message reached the other node").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void twoNodes_writeThroughOne_isFreshOnTheOther() throws Exception {
        Sut a = TestSut.get();
        String redisUrl = a.infrastructure().redisUrl().orElseThrow();
        try (Sut b = TestSut.startOnSharedDatabase(Map.of("SUT_REDIS_URL", redisUrl))) {
            Http onA = http;
            Http onB = new Http("http://127.0.0.1:" + b.port());
            long id = client();
            String path = "/api/clients/" + id;
            onA.get(path);
            assertThat(onB.get(path).header("X-Cache")).isIn("L2", "LOAD");
            assertThat(onB.get(path).header("X-Cache")).isEqualTo("L1");

            ObjectNode body = (ObjectNode) onA.get(path).json().deepCopy();
            body.retain("partner1Name", "partner2Name", "email", "phone", "weddingDate", "status", "city",
                    "guestEstimate", "budgetTotal");
            body.put("city", "Porto " + System.nanoTime() % 1000);
            long heard = messagesApplied(onB);
            assertThat(onA.put(path, body.toString()).status()).isEqualTo(200);
            // the invalidation reaches B by pub/sub, asynchronously: read once B has applied it
            awaitMessage(onB, heard);

            Http.Response fromB = onB.get(path);
            assertThat(fromB.json().path("city").asText()).isEqualTo(body.path("city").asText());
            assertThat(fromB.header("X-Cache")).as("B's L1 entry was invalidated; A's reload is not there yet")
                    .isIn("L2", "LOAD");
        }
    }

    @Test
    void externalRedis_fromSutRedisUrl_isTheOneInUse() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("SUT_REDIS_URL") != null,
                "runs when SUT_REDIS_URL names a Redis (.ci/run sets it to the machine's)");
        assertThat(http.get("/api/performance/metrics").json().path("cache").path("redis").asText())
                .isEqualTo(System.getenv("SUT_REDIS_URL"));
        assertThat(TestSut.get().infrastructure().embeddedRedis()).isEmpty();
    }

    @Test
    void warmup_loadsTheDashboardsAtStart_l1OnlyWithoutRedis() throws Exception {
        try (Sut warm = TestSut.startOnSharedDatabase(Map.of("SUT_REDIS_URL", "none", "SUT_CACHE_WARMUP", "true"))) {
            Http h = new Http("http://127.0.0.1:" + warm.port());
            long org = TestSut.queryLong("SELECT max(id) FROM organizations");
            Http.Response first = h.get("/api/analytics/dashboard?org=" + org);
            assertThat(first.header("X-Cache")).as("loaded at start-up").isEqualTo("L1");
            assertThat(first.queryCount()).isZero();
            assertThat(h.get("/api/performance/metrics").json().path("cache").path("redis").asText()).isEqualTo("none");
        }
    }
}
