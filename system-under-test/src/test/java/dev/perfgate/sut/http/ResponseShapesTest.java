package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.TestSut;

/**
 * The wedding API's bodies field by field, in order: what clients (and the load scenarios) read. The bodies are
 * records ({@code Page.Numbered}, {@code Page.AfterCursor}, {@code GuestPage}, {@code NotificationPage},
 * {@code Dashboard}, {@code VendorReport}, {@code Timeline}); this pins the JSON they write, whether the answer came
 * from the database or from the cache.
 */
class ResponseShapesTest {
    private final Http http = Http.shared();

    private static List<String> fields(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static long org() {
        return TestSut.queryLong("SELECT org_id FROM clients GROUP BY org_id ORDER BY count(*) DESC, org_id LIMIT 1");
    }

    @Test
    void offsetPage_isItemsPageSizeSortTotalHasNext() {
        Http.Response r = http.get("/api/clients?org=" + org() + "&size=3");
        assertThat(r.status()).isEqualTo(200);
        assertThat(fields(r.json())).containsExactly("items", "page", "size", "sort", "total", "hasNext");
    }

    @Test
    void keysetPage_isItemsSizeSortHasNextNextCursor_andTheLastPageSaysNullCursor() {
        Http.Response first = http.get("/api/vendors?size=2&cursor=");
        assertThat(first.status()).isEqualTo(200);
        assertThat(fields(first.json())).containsExactly("items", "size", "sort", "hasNext", "nextCursor");
        long vendors = TestSut.queryLong("SELECT count(*) FROM vendors");
        Http.Response all = http.get("/api/vendors?size=" + Math.min(100, vendors) + "&cursor=&category=venue");
        JsonNode last = all.json();
        while (last.path("hasNext").asBoolean()) {
            last = http.get("/api/vendors?size=100&category=venue&cursor=" + last.path("nextCursor").asText()).json();
        }
        assertThat(fields(last)).containsExactly("items", "size", "sort", "hasNext", "nextCursor");
        assertThat(last.path("nextCursor").isNull()).isTrue();
    }

    @Test
    void listsWithAFigureOverAllRows_addItAfterThePage() {
        long client = TestSut.queryLong("SELECT client_id FROM guests GROUP BY client_id ORDER BY count(*) DESC LIMIT 1");
        JsonNode guests = http.get("/api/clients/" + client + "/guests?size=2").json();
        assertThat(fields(guests)).containsExactly("items", "page", "size", "sort", "total", "hasNext", "totals");
        assertThat(fields(guests.path("totals"))).containsExactly("households", "invited", "accepted", "declined",
                "pending");
        long user = TestSut.queryLong("SELECT user_id FROM notifications GROUP BY user_id ORDER BY count(*) DESC LIMIT 1");
        JsonNode keyset = http.get("/api/notifications?user=" + user + "&size=2&cursor=").json();
        assertThat(fields(keyset)).containsExactly("items", "size", "sort", "hasNext", "nextCursor", "unreadCount");
    }

    @Test
    void reports_andTheTimeline_keepTheirFieldOrder_fromTheDatabaseAndFromTheCache() {
        long org = org();
        List<String> served = new ArrayList<>();
        for (int read = 0; read < 2; read++) { // the second read is served by the cache
            Http.Response dashboard = http.get("/api/analytics/dashboard?org=" + org);
            served.add(dashboard.header("X-Cache"));
            assertThat(fields(dashboard.json())).containsExactly("organization", "clientsByStatus", "clients",
                    "upcomingWeddings", "bookingsByMonth", "budget", "tasks", "topCategories");
        }
        assertThat(served.getLast()).isIn("L1", "L2");
        assertThat(fields(http.get("/api/analytics/vendors?org=" + org).json()))
                .containsExactly("organization", "topVendors", "spendByCategory");
        long client = TestSut.queryLong("SELECT client_id FROM tasks GROUP BY client_id ORDER BY count(*) DESC LIMIT 1");
        for (int read = 0; read < 2; read++) {
            assertThat(fields(http.get("/api/clients/" + client + "/timeline?size=5").json()))
                    .containsExactly("clientId", "weddingDate", "items", "page", "size", "total", "hasNext");
        }
    }

    @Test
    void anError_namesWhatWasWrong_andCarriesItsRequestId() {
        Http.Response r = http.get("/api/clients?org=abc");
        assertThat(r.status()).isEqualTo(400);
        assertThat(fields(r.json())).containsExactly("error", "message", "field", "requestId");
        assertThat(r.json().path("requestId").asText()).isEqualTo(r.header("X-Request-Id"));
    }
}
