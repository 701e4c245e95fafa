package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.TestSut;

/** Every endpoint's happy path against the real server and database. */
class ApiTest {
    private final Http http = Http.shared();

    /** A client that has budget items, payments, tasks, bookings and guests. */
    private static long richClient() {
        return TestSut.queryLong("SELECT c.id FROM clients c WHERE c.status = 'completed'"
                + " AND EXISTS (SELECT 1 FROM bookings b WHERE b.client_id = c.id)"
                + " AND EXISTS (SELECT 1 FROM payments p JOIN budget_items i ON i.id = p.budget_item_id"
                + " WHERE i.client_id = c.id) AND EXISTS (SELECT 1 FROM guests g WHERE g.client_id = c.id)"
                + " ORDER BY c.id LIMIT 1");
    }

    private static long largestOrg() {
        return TestSut.queryLong("SELECT org_id FROM clients GROUP BY org_id ORDER BY count(*) DESC, org_id LIMIT 1");
    }

    @Test
    void health_up() {
        Http.Response r = http.get("/api/performance/health");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("status").asText()).isEqualTo("UP");
        assertThat(r.json().path("components").path("database").path("pool").path("max").asInt()).isPositive();
    }

    @Test
    void clients_list_filtersAndCounts() {
        long org = largestOrg();
        Http.Response r = http.get("/api/clients?org=" + org + "&status=planning&size=5");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("total").asLong())
                .isEqualTo(TestSut.queryLong("SELECT count(*) FROM clients WHERE org_id = " + org + " AND status = 'planning'"));
        assertThat(r.json().path("items")).allSatisfy(c -> {
            assertThat(c.path("orgId").asLong()).isEqualTo(org);
            assertThat(c.path("status").asText()).isEqualTo("planning");
        });
        assertThat(r.queryCount()).isPositive();
    }

    @Test
    void clients_list_searchesNames() {
        long org = largestOrg();
        String name = TestSut.queryColumn("SELECT partner2_name FROM clients WHERE org_id = " + org
                + " ORDER BY id LIMIT 1").getFirst();
        String word = name.split(" ")[1];
        Http.Response r = http.get("/api/clients?org=" + org + "&q=" + word.toLowerCase() + "&size=100");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("items")).isNotEmpty().allSatisfy(c -> assertThat(
                (c.path("partner1Name").asText() + c.path("partner2Name").asText() + c.path("email").asText())
                        .toLowerCase()).contains(word.toLowerCase()));
    }

    @Test
    void client_detail_hasSummaryMatchingTheDatabase() {
        long id = richClient();
        Http.Response r = http.get("/api/clients/" + id);
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.path("id").asLong()).isEqualTo(id);
        assertThat(j.path("summary").path("guestHouseholds").asLong())
                .isEqualTo(TestSut.queryLong("SELECT count(*) FROM guests WHERE client_id = " + id));
        assertThat(j.path("summary").path("confirmedBookings").asLong()).isEqualTo(
                TestSut.queryLong("SELECT count(*) FROM bookings WHERE status = 'confirmed' AND client_id = " + id));
        assertThat(r.queryCount()).isEqualTo(1);
    }

    @Test
    void client_budget_itemsPaymentsAndTotals() {
        long id = richClient();
        Http.Response r = http.get("/api/clients/" + id + "/budget");
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.path("items").size()).isEqualTo((int) TestSut.queryLong(
                "SELECT count(*) FROM budget_items WHERE client_id = " + id));
        assertThat(j.path("paid").decimalValue()).isEqualByComparingTo(TestSut.queryColumn(
                "SELECT coalesce(sum(p.amount), 0) FROM payments p JOIN budget_items i ON i.id = p.budget_item_id"
                        + " WHERE i.client_id = " + id).getFirst());
        assertThat(j.path("byCategory")).isNotEmpty();
        assertThat(r.queryCount()).isEqualTo(3);
    }

    @Test
    void client_timeline_tasksAndBookingsInDateOrder() {
        long id = richClient();
        Http.Response r = http.get("/api/clients/" + id + "/timeline?size=100");
        assertThat(r.status()).isEqualTo(200);
        JsonNode items = r.json().path("items");
        long expected = TestSut.queryLong("SELECT (SELECT count(*) FROM tasks WHERE client_id = " + id + ")"
                + " + (SELECT count(*) FROM bookings WHERE client_id = " + id + ")");
        assertThat(r.json().path("total").asLong()).isEqualTo(expected);
        assertThat(items.findValuesAsText("type")).contains("task", "booking");
        for (int i = 1; i < items.size(); i++) {
            assertThat(items.get(i).path("date").asText()).isGreaterThanOrEqualTo(items.get(i - 1).path("date").asText());
        }
    }

    @Test
    void client_timeline_dateWindow() {
        long id = richClient();
        Http.Response r = http.get("/api/clients/" + id + "/timeline?from=2020-01-01&to=2020-01-02");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("total").asLong()).isZero();
    }

    @Test
    void client_guests_pageAndTotals() {
        long id = richClient();
        Http.Response r = http.get("/api/clients/" + id + "/guests?rsvp=accepted&size=5");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("items")).allSatisfy(g -> assertThat(g.path("rsvp").asText()).isEqualTo("accepted"));
        assertThat(r.json().path("totals").path("invited").asLong()).isEqualTo(
                TestSut.queryLong("SELECT sum(party_size) FROM guests WHERE client_id = " + id));
    }

    @Test
    void vendors_search_filtersAndSortsByRating() {
        String city = TestSut.queryColumn("SELECT city FROM vendors GROUP BY city ORDER BY count(*) DESC LIMIT 1")
                .getFirst();
        Http.Response r = http.get("/api/vendors?city=" + city.replace(" ", "%20") + "&minRating=3.5&size=50");
        assertThat(r.status()).isEqualTo(200);
        JsonNode items = r.json().path("items");
        assertThat(items).isNotEmpty().allSatisfy(v -> {
            assertThat(v.path("city").asText()).isEqualTo(city);
            assertThat(v.path("rating").decimalValue()).isGreaterThanOrEqualTo(new java.math.BigDecimal("3.5"));
        });
        for (int i = 1; i < items.size(); i++) {
            assertThat(items.get(i).path("rating").decimalValue())
                    .isLessThanOrEqualTo(items.get(i - 1).path("rating").decimalValue());
        }
    }

    @Test
    void vendor_detail_withRecentReviews() {
        long id = TestSut.queryLong("SELECT vendor_id FROM reviews GROUP BY vendor_id ORDER BY count(*) DESC LIMIT 1");
        Http.Response r = http.get("/api/vendors/" + id);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("vendor").path("id").asLong()).isEqualTo(id);
        assertThat(r.json().path("recentReviews").size()).isEqualTo(5);
    }

    @Test
    void notifications_newestFirstWithUnreadCount() {
        long user = TestSut.queryLong("SELECT user_id FROM notifications GROUP BY user_id ORDER BY count(*) DESC LIMIT 1");
        Http.Response r = http.get("/api/notifications?user=" + user + "&size=10");
        assertThat(r.status()).isEqualTo(200);
        JsonNode items = r.json().path("items");
        assertThat(items).isNotEmpty();
        for (int i = 1; i < items.size(); i++) {
            assertThat(items.get(i).path("createdAt").asText()).isLessThanOrEqualTo(items.get(i - 1).path("createdAt").asText());
        }
        assertThat(r.json().path("unreadCount").asLong()).isEqualTo(
                TestSut.queryLong("SELECT count(*) FROM notifications WHERE read_at IS NULL AND user_id = " + user));
        Http.Response unread = http.get("/api/notifications?user=" + user + "&unread=true&size=100");
        assertThat(unread.json().path("items")).allSatisfy(n -> assertThat(n.path("readAt").isNull()).isTrue());
    }

    @Test
    void analytics_dashboardAndVendors() {
        long org = largestOrg();
        Http.Response d = http.get("/api/analytics/dashboard?org=" + org);
        assertThat(d.status()).isEqualTo(200);
        assertThat(d.json().path("clients").asLong())
                .isEqualTo(TestSut.queryLong("SELECT count(*) FROM clients WHERE org_id = " + org));
        assertThat(d.json().path("topCategories")).isNotEmpty();
        Http.Response v = http.get("/api/analytics/vendors?org=" + org);
        assertThat(v.status()).isEqualTo(200);
        assertThat(v.json().path("topVendors")).isNotEmpty();
    }

    @Test
    void createClient_thenReadAndUpdateIt() {
        long org = largestOrg();
        Map<String, Object> body = new java.util.HashMap<>(Map.of("orgId", org, "partner1Name", "Ada Lovelace",
                "partner2Name", "Charles Babbage", "email", "Ada@Example.com", "weddingDate", "2027-06-12",
                "city", "London", "guestEstimate", 80, "budgetTotal", 42000.50));
        Http.Response created = http.post("/api/clients", Http.json(body));
        assertThat(created.status()).isEqualTo(201);
        long id = created.json().path("id").asLong();
        assertThat(created.header("Location")).isEqualTo("/api/clients/" + id);
        assertThat(created.json().path("status").asText()).isEqualTo("inquiry");
        assertThat(created.json().path("email").asText()).isEqualTo("ada@example.com");

        body.remove("orgId");
        body.put("status", "booked");
        body.put("guestEstimate", 95);
        body.put("version", 0);
        Http.Response updated = http.put("/api/clients/" + id, Http.json(body));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().path("version").asInt()).isEqualTo(1);
        assertThat(http.get("/api/clients/" + id).json().path("guestEstimate").asInt()).isEqualTo(95);

        Http.Response stale = http.put("/api/clients/" + id, Http.json(body));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.json().path("field").asText()).isEqualTo("version");
    }

    @Test
    void createTask_thenPatchItDone() {
        long client = richClient();
        long planner = TestSut.queryLong("SELECT p.id FROM planners p JOIN clients c ON c.org_id = p.org_id"
                + " WHERE c.id = " + client + " ORDER BY p.id LIMIT 1");
        Http.Response created = http.post("/api/clients/" + client + "/tasks",
                Http.json(Map.of("title", "Taste cakes", "dueDate", "2027-01-10", "assigneeId", planner)));
        assertThat(created.status()).isEqualTo(201);
        long task = created.json().path("id").asLong();
        assertThat(created.json().path("completedAt").isNull()).isTrue();

        Http.Response done = http.patch("/api/tasks/" + task, Http.json(Map.of("status", "done")));
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.json().path("completedAt").isNull()).isFalse();
        assertThat(done.json().path("title").asText()).isEqualTo("Taste cakes");

        Http.Response unassigned = http.patch("/api/tasks/" + task, "{\"assigneeId\": null, \"status\": \"todo\"}");
        assertThat(unassigned.json().path("assigneeId").isNull()).isTrue();
        assertThat(unassigned.json().path("completedAt").isNull()).isTrue();
    }

    /**
     * A patch without a new assignee is one UPDATE in autocommit: fields it omits keep their values, a repeated "done"
     * keeps the first completion time, a stale version is a 409 naming the current one, and an unknown task a 404.
     * Assigning a planner still checks the planner's organization first.
     */
    @Test
    void patchTask_isOneStatement_keepsWhatItOmits_andRefusesAStaleVersion() {
        long client = richClient();
        Http.Response created = http.post("/api/clients/" + client + "/tasks",
                Http.json(Map.of("title", "Book the band", "dueDate", "2027-02-01", "priority", 3)));
        long task = created.json().path("id").asLong();

        Http.Response done = http.patch("/api/tasks/" + task, Http.json(Map.of("status", "done", "version", 0)));
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.header("X-Query-Count")).isEqualTo("1");
        assertThat(done.json().path("title").asText()).isEqualTo("Book the band");
        assertThat(done.json().path("dueDate").asText()).isEqualTo("2027-02-01");
        assertThat(done.json().path("priority").asInt()).isEqualTo(3);
        assertThat(done.json().path("version").asInt()).isEqualTo(1);
        String completedAt = done.json().path("completedAt").asText();
        assertThat(completedAt).isNotEmpty();

        Http.Response again = http.patch("/api/tasks/" + task, Http.json(Map.of("status", "done", "dueDate",
                "2027-03-01")));
        assertThat(again.json().path("completedAt").asText()).as("still done: the first completion stands")
                .isEqualTo(completedAt);
        assertThat(again.json().path("dueDate").asText()).isEqualTo("2027-03-01");

        Http.Response stale = http.patch("/api/tasks/" + task, Http.json(Map.of("title", "Book a DJ", "version", 0)));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.json().path("field").asText()).isEqualTo("version");
        assertThat(stale.json().path("message").asText()).contains("is at version 2, not 0");
        assertThat(TestSut.queryColumn("SELECT title FROM tasks WHERE id = " + task)).containsExactly("Book the band");

        assertThat(http.patch("/api/tasks/99999999", Http.json(Map.of("status", "todo", "version", 0))).status())
                .isEqualTo(404);

        long planner = TestSut.queryLong("SELECT p.id FROM planners p JOIN clients c ON c.org_id = p.org_id"
                + " WHERE c.id = " + client + " ORDER BY p.id LIMIT 1");
        Http.Response assigned = http.patch("/api/tasks/" + task, Http.json(Map.of("assigneeId", planner,
                "status", "in_progress")));
        assertThat(assigned.status()).isEqualTo(200);
        assertThat(assigned.json().path("assigneeId").asLong()).isEqualTo(planner);
        assertThat(assigned.json().path("completedAt").isNull()).isTrue();
        assertThat(assigned.json().path("title").asText()).isEqualTo("Book the band");

        // assigning checks the task, then its version, then the planner: a stale version is named first
        long stranger = TestSut.queryLong("SELECT p.id FROM planners p WHERE p.org_id <> (SELECT org_id FROM clients"
                + " WHERE id = " + client + ") ORDER BY p.id LIMIT 1");
        Http.Response staleAssign = http.patch("/api/tasks/" + task, Http.json(Map.of("assigneeId", stranger,
                "version", 0)));
        assertThat(staleAssign.status()).isEqualTo(409);
        assertThat(staleAssign.json().path("field").asText()).isEqualTo("version");
        Http.Response otherOrg = http.patch("/api/tasks/" + task, Http.json(Map.of("assigneeId", stranger)));
        assertThat(otherOrg.status()).isEqualTo(422);
        assertThat(otherOrg.json().path("message").asText()).contains("not to the couple's organization");
        assertThat(TestSut.queryColumn("SELECT assignee_id || ' ' || version FROM tasks WHERE id = " + task))
                .containsExactly(planner + " 3");
        assertThat(http.patch("/api/tasks/99999999", Http.json(Map.of("assigneeId", planner))).status()).isEqualTo(404);
    }

    /** Sends n requests released together, one thread each; returns their statuses in order. */
    private static List<Integer> atOnce(int n, java.util.function.IntFunction<Integer> request) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> statuses = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(n)) {
            for (int i = 0; i < n; i++) {
                int which = i;
                statuses.add(pool.submit(() -> {
                    start.await();
                    return request.apply(which);
                }));
            }
            start.countDown();
            List<Integer> got = new ArrayList<>();
            for (Future<Integer> f : statuses) {
                got.add(f.get());
            }
            return got;
        }
    }

    /** Eight patches of one version at once: the row lock and the version test in one UPDATE let exactly one win. */
    @Test
    void concurrentPatchesOfOneVersion_exactlyOneWins() throws Exception {
        long client = richClient();
        long task = http.post("/api/clients/" + client + "/tasks",
                Http.json(Map.of("title", "Choose rings", "dueDate", "2027-02-01"))).json().path("id").asLong();
        List<Integer> got = atOnce(8, i -> http.patch("/api/tasks/" + task,
                Http.json(Map.of("title", "Choose rings " + i, "version", 0))).status());
        assertThat(got).filteredOn(st -> st == 200).hasSize(1);
        assertThat(got).filteredOn(st -> st == 409).hasSize(7);
        assertThat(TestSut.queryColumn("SELECT version FROM tasks WHERE id = " + task)).containsExactly("1");
    }

    @Test
    void createBooking_thenSecondActiveBookingConflicts() {
        long client = TestSut.queryLong("SELECT id FROM clients WHERE status = 'inquiry' ORDER BY id LIMIT 1");
        long vendor = TestSut.queryLong("SELECT v.id FROM vendors v WHERE NOT EXISTS (SELECT 1 FROM bookings b"
                + " WHERE b.vendor_id = v.id AND b.client_id = " + client + ") ORDER BY v.id DESC LIMIT 1");
        String body = Http.json(Map.of("vendorId", vendor, "amount", 1500, "status", "confirmed"));
        Http.Response created = http.post("/api/clients/" + client + "/bookings", body);
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().path("eventDate").asText()).isEqualTo(TestSut.queryColumn(
                "SELECT wedding_date FROM clients WHERE id = " + client).getFirst());
        Http.Response again = http.post("/api/clients/" + client + "/bookings", body);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("field").asText()).isEqualTo("vendorId");
        assertThat(again.json().path("message").asText()).contains("already has an active booking of vendor " + vendor);
    }

    /** Six bookings of one vendor by one couple at once: the check and the unique index let exactly one in. */
    @Test
    void concurrentBookingsOfOneVendor_exactlyOneIsMade() throws Exception {
        long client = TestSut.queryLong("SELECT id FROM clients WHERE status = 'planning' ORDER BY id DESC LIMIT 1");
        long vendor = TestSut.queryLong("SELECT v.id FROM vendors v WHERE NOT EXISTS (SELECT 1 FROM bookings b"
                + " WHERE b.vendor_id = v.id AND b.client_id = " + client + ") ORDER BY v.id DESC LIMIT 1");
        String body = Http.json(Map.of("vendorId", vendor, "amount", 700));
        List<Integer> got = atOnce(6, i -> http.post("/api/clients/" + client + "/bookings", body).status());
        assertThat(got).filteredOn(st -> st == 201).hasSize(1);
        assertThat(got).filteredOn(st -> st == 409).hasSize(5);
        assertThat(TestSut.queryLong("SELECT count(*) FROM bookings WHERE client_id = " + client + " AND vendor_id = "
                + vendor)).isEqualTo(1);
    }

    /**
     * A booking is one statement (the couple, the vendor and the active-booking checks and both inserts): one
     * round trip, its analytics event written with it, nothing written when a check refuses it.
     */
    @Test
    void createBooking_isOneStatement_writesItsAnalyticsEvent_andWritesNothingWhenRefused() {
        long client = TestSut.queryLong("SELECT id FROM clients WHERE status = 'inquiry' ORDER BY id DESC LIMIT 1");
        long vendor = TestSut.queryLong("SELECT v.id FROM vendors v WHERE NOT EXISTS (SELECT 1 FROM bookings b"
                + " WHERE b.vendor_id = v.id AND b.client_id = " + client + ") ORDER BY v.id LIMIT 1");
        String events = "SELECT count(*) FROM analytics_events WHERE event_type = 'booking_made' AND client_id = "
                + client + " AND vendor_id = " + vendor;
        long before = TestSut.queryLong(events);
        Http.Response created = http.post("/api/clients/" + client + "/bookings", Http.json(Map.of("vendorId", vendor,
                "amount", 980.5, "eventDate", "2027-09-18", "status", "pending")));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.header("X-Query-Count")).isEqualTo("1");
        assertThat(created.json().path("eventDate").asText()).isEqualTo("2027-09-18");
        assertThat(created.json().path("amount").decimalValue()).isEqualByComparingTo("980.5");
        assertThat(TestSut.queryLong(events)).isEqualTo(before + 1);

        long bookings = TestSut.queryLong("SELECT count(*) FROM bookings");
        assertThat(http.post("/api/clients/99999999/bookings", Http.json(Map.of("vendorId", vendor, "amount", 1)))
                .status()).isEqualTo(404);
        assertThat(http.post("/api/clients/" + client + "/bookings", Http.json(Map.of("vendorId", 99999999,
                "amount", 1))).status()).isEqualTo(422);
        assertThat(http.post("/api/clients/" + client + "/bookings", Http.json(Map.of("vendorId", vendor,
                "amount", 1))).status()).isEqualTo(409);
        assertThat(TestSut.queryLong("SELECT count(*) FROM bookings")).isEqualTo(bookings);
        assertThat(TestSut.queryLong(events)).isEqualTo(before + 1);
    }

    @Test
    void updateBudgetItem_changesAmountsAndVersion() {
        long item = TestSut.queryLong("SELECT id FROM budget_items ORDER BY id DESC LIMIT 1");
        Http.Response r = http.put("/api/budget-items/" + item,
                Http.json(Map.of("category", "florist", "description", "Peonies", "estimated", 1200, "actual", 1150.25)));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("actual").decimalValue()).isEqualByComparingTo("1150.25");
        assertThat(r.json().path("description").asText()).isEqualTo("Peonies");
    }
}
