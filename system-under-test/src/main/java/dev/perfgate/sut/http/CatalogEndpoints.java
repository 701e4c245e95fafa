package dev.perfgate.sut.http;

import java.math.BigDecimal;
import java.util.Optional;

import dev.perfgate.sut.domain.Analytics;
import dev.perfgate.sut.domain.Notifications;
import dev.perfgate.sut.domain.Paging;
import dev.perfgate.sut.domain.Vendors;

/** Vendor marketplace, planner notifications and organization analytics. */
public final class CatalogEndpoints {
    private final Vendors vendors;
    private final Notifications notifications;
    private final Analytics analytics;
    private final AdminAuth admin;

    public CatalogEndpoints(Vendors vendors, Notifications notifications, Analytics analytics, AdminAuth admin) {
        this.admin = admin;
        this.vendors = vendors;
        this.notifications = notifications;
        this.analytics = analytics;
    }

    /** Registers the routes. */
    public void register(Routes routes) {
        routes.get("/api/vendors", this::searchVendors)
                .get("/api/vendors/{id}", r -> {
                    r.allowParams();
                    return ApiResponse.ok(vendors.detail(r.pathId("id")));
                })
                .post("/api/admin/vendors/ratings/recompute", r -> {
                    admin.require(r);
                    return ApiResponse.ok(vendors.recomputeRatings(r.mode() == PerfMode.BASELINE));
                })
                .get("/api/notifications", this::notifications)
                .get("/api/analytics/dashboard", r -> {
                    r.allowParams("org");
                    return ApiResponse.ok(analytics.dashboard(r.requiredId("org")));
                })
                .get("/api/analytics/vendors", r -> {
                    r.allowParams("org");
                    return ApiResponse.ok(analytics.vendors(r.requiredId("org")));
                });
    }

    private ApiResponse searchVendors(ApiRequest r) throws Exception {
        r.allowParams("category", "city", "minRating", "q", "sort", "page", "size", "cursor");
        return ApiResponse.ok(vendors.search(r.enumParam("category", Vendors.CATEGORIES), r.textParam("city", 100),
                r.decimalParam("minRating", BigDecimal.ZERO, BigDecimal.valueOf(5)), r.textParam("q", 100),
                ClientEndpoints.page(r, Vendors.SORTS, "-rating"), r.mode() == PerfMode.BASELINE));
    }

    private ApiResponse notifications(ApiRequest r) throws Exception {
        r.allowParams("user", "unread", "page", "size", "cursor");
        long user = r.requiredId("user");
        return ApiResponse.ok(notifications.list(user, r.booleanParam("unread").orElse(false),
                Paging.request(Notifications.SORTS, "-createdAt", Optional.empty(),
                        r.intParam("size", 20, 1, Paging.MAX_SIZE), r.param("page"), r.param("cursor"),
                        r.mode() == PerfMode.BASELINE)));
    }
}
