package dev.perfgate.load.endpoints;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;


/**
 * One request builder per call of the service's API, each with its checks and saves. The request name labels the
 * report row and is what budgets.yaml targets. perfgate's harness records every request of the protocol by that
 * name; statuses a call expects besides those below 400 (a 409 for a vendor the couple already booked) are listed
 * under expectedStatuses in budgets.yaml, so that the exact results count them as successes too.
 */
public final class Api {
    private final Set<String> regress;
    private final Set<String> used = Collections.synchronizedSet(new LinkedHashSet<>());

    /** @param regress request names to send in baseline mode, a deliberate regression for the gate to catch */
    public Api(Set<String> regress) {
        this.regress = regress;
    }

    /** Returns the request names this simulation sends (its assertions are generated for these). */
    public Set<String> used() {
        return used;
    }

    private ChainBuilder call(String name, HttpRequestActionBuilder request, Integer... expected) {
        used.add(name);
        List<Integer> ok = Arrays.asList(expected);
        HttpRequestActionBuilder r = request.check(status().in(ok));
        if (regress.contains(name)) {
            r = r.header("X-Perf-Mode", "baseline");
        }
        return exec(r);
    }

    public ChainBuilder health() {
        return call("health", http("health").get("/api/performance/health"), 200);
    }

    /** First keyset page of a planner's couples in planning; saves the next cursor and a couple from the page. */
    public ChainBuilder clientsList() {
        return call("clients list", http("clients list")
                .get("/api/clients?org=#{orgId}&status=planning&sort=weddingDate&size=20&cursor=")
                .check(jsonPath("$.nextCursor").optional().saveAs("nextCursor")), 200);
    }

    public ChainBuilder clientsNextPage() {
        return call("clients next page", http("clients next page")
                .get("/api/clients?org=#{orgId}&status=planning&sort=weddingDate&size=20&cursor=#{nextCursor}"), 200);
    }

    /** An offset page deeper in the organization's list (what an analyst scrolling a report does). */
    public ChainBuilder clientsOffsetPage() {
        return call("clients list", http("clients list").get("/api/clients?org=#{orgId}&sort=-createdAt&size=50&page=2"),
                200);
    }

    /** A couple's detail; revalidates with If-None-Match when an earlier answer carried an ETag (mobile clients). */
    public ChainBuilder clientDetail() {
        String name = "client detail";
        ChainBuilder conditional = call(name, http(name).get("/api/clients/#{clientId}")
                .header("If-None-Match", "#{etag}").check(header("ETag").optional().saveAs("etag")), 200, 304);
        ChainBuilder plain = call(name, http(name).get("/api/clients/#{clientId}")
                .check(header("ETag").optional().saveAs("etag")), 200, 304);
        return doIfOrElse(session -> session.contains("etag")).then(conditional).orElse(plain);
    }

    /** Returns whether a saved cursor points at a next page. */
    public static boolean hasCursor(io.gatling.javaapi.core.Session session, String key) {
        String cursor = session.contains(key) ? session.getString(key) : null;
        return cursor != null && !cursor.isEmpty() && !cursor.equals("null");
    }

    public ChainBuilder clientBudget() {
        return call("client budget", http("client budget").get("/api/clients/#{clientId}/budget"), 200);
    }

    public ChainBuilder clientTimeline() {
        return call("client timeline", http("client timeline").get("/api/clients/#{clientId}/timeline?size=50"), 200);
    }

    public ChainBuilder clientGuests() {
        return call("client guests", http("client guests").get("/api/clients/#{clientId}/guests?rsvp=pending&size=25"),
                200);
    }

    public ChainBuilder addTask() {
        return call("add task", http("add task").post("/api/clients/#{clientId}/tasks")
                .body(StringBody("{\"title\": \"Call the florist\", \"dueDate\": \"2027-04-10\", \"priority\": 2}"))
                .asJson(), 201);
    }

    public ChainBuilder completeTask() {
        return call("complete task", http("complete task").patch("/api/tasks/#{taskId}")
                .body(StringBody("{\"status\": \"done\"}")).asJson(), 200);
    }

    public ChainBuilder updateBudgetItem() {
        return call("update budget item", http("update budget item").put("/api/budget-items/#{itemId}")
                .body(StringBody("{\"category\": \"#{category}\", \"description\": \"Adjusted by planner\","
                        + " \"estimated\": #{estimated}, \"actual\": #{actual}}")).asJson(), 200);
    }

    /** Books a vendor for a couple; a second active booking of the same vendor is an expected 409. */
    public ChainBuilder bookVendor() {
        return call("book vendor", http("book vendor").post("/api/clients/#{clientId}/bookings")
                .body(StringBody("{\"vendorId\": #{vendorId}, \"amount\": 2500, \"status\": \"pending\"}")).asJson(),
                201, 409);
    }

    public ChainBuilder createClient() {
        return call("create client", http("create client").post("/api/clients")
                .body(StringBody("{\"orgId\": #{orgId}, \"partner1Name\": \"Robin Load\", \"partner2Name\": \"Sam Test\","
                        + " \"email\": \"load.test@example.com\", \"weddingDate\": \"2027-09-18\", \"city\": \"Austin\","
                        + " \"guestEstimate\": 120, \"budgetTotal\": 35000}")).asJson(), 201);
    }

    public ChainBuilder notifications() {
        return call("notifications", http("notifications").get("/api/notifications?user=#{userId}&size=20"), 200);
    }

    /** A filtered vendor search; saves the next cursor and a vendor from the page. */
    public ChainBuilder vendorSearch() {
        return call("vendor search", http("vendor search")
                .get("/api/vendors?category=#{category}&city=#{city}&minRating=2.5&size=20&cursor=")
                .check(jsonPath("$.nextCursor").optional().saveAs("vendorCursor"))
                .check(jsonPath("$.items[*].id").findRandom().optional().saveAs("foundVendorId")), 200);
    }

    public ChainBuilder vendorSearchNextPage() {
        return call("vendor search next page", http("vendor search next page")
                .get("/api/vendors?category=#{category}&city=#{city}&minRating=2.5&size=20&cursor=#{vendorCursor}"), 200);
    }

    public ChainBuilder vendorDetail() {
        return call("vendor detail", http("vendor detail").get("/api/vendors/#{vendorId}"), 200);
    }

    public ChainBuilder analyticsDashboard() {
        return call("analytics dashboard", http("analytics dashboard").get("/api/analytics/dashboard?org=#{orgId}"), 200);
    }

    public ChainBuilder vendorAnalytics() {
        return call("vendor analytics", http("vendor analytics").get("/api/analytics/vendors?org=#{orgId}"), 200);
    }
}
