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
    private final RequestNames names = new RequestNames();

    /** @param regress request names to send in naive mode (X-Perf-Mode: naive), a deliberate regression for the gate to catch */
    public Api(Set<String> regress) {
        this.regress = regress;
    }

    /** Returns the request names this simulation sends (its assertions are generated for these). */
    public Set<String> used() {
        return used;
    }

    /** Defines a request under its name, which must stand for this request alone ({@link RequestNames}). */
    private HttpRequestActionBuilder define(String name, String method, String url) {
        names.register(name, method, url);
        return switch (method) {
            case "GET" -> http(name).get(url);
            case "POST" -> http(name).post(url);
            case "PUT" -> http(name).put(url);
            case "PATCH" -> http(name).patch(url);
            default -> throw new IllegalArgumentException("method " + method);
        };
    }

    private HttpRequestActionBuilder get(String name, String url) {
        return define(name, "GET", url);
    }

    private HttpRequestActionBuilder post(String name, String url) {
        return define(name, "POST", url);
    }

    private HttpRequestActionBuilder put(String name, String url) {
        return define(name, "PUT", url);
    }

    private HttpRequestActionBuilder patch(String name, String url) {
        return define(name, "PATCH", url);
    }

    private ChainBuilder call(String name, HttpRequestActionBuilder request, Integer... expected) {
        used.add(name);
        List<Integer> ok = Arrays.asList(expected);
        HttpRequestActionBuilder r = request.check(status().in(ok));
        if (regress.contains(name)) {
            r = r.header("X-Perf-Mode", "naive");
        }
        return exec(r);
    }

    public ChainBuilder health() {
        return call("health", get("health", "/api/performance/health"), 200);
    }

    /** First keyset page of a planner's couples in planning; saves the next cursor and a couple from the page. */
    public ChainBuilder clientsList() {
        return call("clients list", get("clients list", "/api/clients?org=#{orgId}&status=planning&sort=weddingDate&size=20&cursor=")
                .check(jsonPath("$.nextCursor").optional().saveAs("nextCursor")), 200);
    }

    public ChainBuilder clientsNextPage() {
        return call("clients next page", get("clients next page", "/api/clients?org=#{orgId}&status=planning&sort=weddingDate&size=20&cursor=#{nextCursor}"), 200);
    }

    /** An offset page deeper in the organization's list (what an analyst scrolling a report does). */
    public ChainBuilder clientsOffsetPage() {
        return call("clients offset page", get("clients offset page",
                "/api/clients?org=#{orgId}&sort=-createdAt&size=50&page=2"), 200);
    }

    /** A couple's detail; revalidates with If-None-Match when an earlier answer carried an ETag (mobile clients). */
    public ChainBuilder clientDetail() {
        String name = "client detail";
        ChainBuilder conditional = call(name, get(name, "/api/clients/#{clientId}")
                .header("If-None-Match", "#{etag}").check(header("ETag").optional().saveAs("etag")), 200, 304);
        ChainBuilder plain = call(name, get(name, "/api/clients/#{clientId}")
                .check(header("ETag").optional().saveAs("etag")), 200, 304);
        return doIfOrElse(session -> session.contains("etag")).then(conditional).orElse(plain);
    }

    /** Returns whether a saved cursor points at a next page. */
    public static boolean hasCursor(io.gatling.javaapi.core.Session session, String key) {
        String cursor = session.contains(key) ? session.getString(key) : null;
        return cursor != null && !cursor.isEmpty() && !cursor.equals("null");
    }

    public ChainBuilder clientBudget() {
        return call("client budget", get("client budget", "/api/clients/#{clientId}/budget"), 200);
    }

    public ChainBuilder clientTimeline() {
        return call("client timeline", get("client timeline", "/api/clients/#{clientId}/timeline?size=50"), 200);
    }

    public ChainBuilder clientGuests() {
        return call("client guests", get("client guests", "/api/clients/#{clientId}/guests?rsvp=pending&size=25"),
                200);
    }

    public ChainBuilder addTask() {
        return call("add task", post("add task", "/api/clients/#{clientId}/tasks")
                .body(StringBody("{\"title\": \"Call the florist\", \"dueDate\": \"2027-04-10\", \"priority\": 2}"))
                .asJson(), 201);
    }

    public ChainBuilder completeTask() {
        return call("complete task", patch("complete task", "/api/tasks/#{taskId}")
                .body(StringBody("{\"status\": \"done\"}")).asJson(), 200);
    }

    public ChainBuilder updateBudgetItem() {
        return call("update budget item", put("update budget item", "/api/budget-items/#{itemId}")
                .body(StringBody("{\"category\": \"#{category}\", \"description\": \"Adjusted by planner\","
                        + " \"estimated\": #{estimated}, \"actual\": #{actual}}")).asJson(), 200);
    }

    /** Books a vendor for a couple; a second active booking of the same vendor is an expected 409. */
    public ChainBuilder bookVendor() {
        return call("book vendor", post("book vendor", "/api/clients/#{clientId}/bookings")
                .body(StringBody("{\"vendorId\": #{vendorId}, \"amount\": 2500, \"status\": \"pending\"}")).asJson(),
                201, 409);
    }

    public ChainBuilder createClient() {
        return call("create client", post("create client", "/api/clients")
                .body(StringBody("{\"orgId\": #{orgId}, \"partner1Name\": \"Robin Load\", \"partner2Name\": \"Sam Test\","
                        + " \"email\": \"load.test@example.com\", \"weddingDate\": \"2027-09-18\", \"city\": \"Austin\","
                        + " \"guestEstimate\": 120, \"budgetTotal\": 35000}")).asJson(), 201);
    }

    public ChainBuilder notifications() {
        return call("notifications", get("notifications", "/api/notifications?user=#{userId}&size=20"), 200);
    }

    /** A filtered vendor search; saves the next cursor and a vendor from the page. */
    public ChainBuilder vendorSearch() {
        return call("vendor search", get("vendor search", "/api/vendors?category=#{category}&city=#{city}&minRating=2.5&size=20&cursor=")
                .check(jsonPath("$.nextCursor").optional().saveAs("vendorCursor"))
                .check(jsonPath("$.items[*].id").findRandom().optional().saveAs("foundVendorId")), 200);
    }

    public ChainBuilder vendorSearchNextPage() {
        return call("vendor search next page", get("vendor search next page", "/api/vendors?category=#{category}&city=#{city}&minRating=2.5&size=20&cursor=#{vendorCursor}"), 200);
    }

    public ChainBuilder vendorDetail() {
        return call("vendor detail", get("vendor detail", "/api/vendors/#{vendorId}"), 200);
    }

    public ChainBuilder analyticsDashboard() {
        return call("analytics dashboard", get("analytics dashboard", "/api/analytics/dashboard?org=#{orgId}"), 200);
    }

    public ChainBuilder vendorAnalytics() {
        return call("vendor analytics", get("vendor analytics", "/api/analytics/vendors?org=#{orgId}"), 200);
    }
}
