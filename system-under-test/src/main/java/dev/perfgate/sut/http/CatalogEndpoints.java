package dev.perfgate.sut.http;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

import dev.perfgate.sut.cache.CacheName;
import dev.perfgate.sut.cache.CacheTags;
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
    private final CachedReads reads;

    public CatalogEndpoints(Vendors vendors, Notifications notifications, Analytics analytics, AdminAuth admin,
                            CachedReads reads) {
        this.reads = reads;
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
                    long id = r.pathId("id");
                    return ApiResponse.ok(reads.get(r, CacheName.VENDOR_DETAIL, Long.toString(id),
                            List.of(CacheTags.vendor(id), CacheTags.VENDORS), request -> vendors.detail(request, id)));
                })
                .post("/api/admin/vendors/ratings/recompute", r -> {
                    admin.require(r);
                    Vendors.Recomputed done = vendors.recomputeRatings(r.context());
                    if (done.changed() > 0) {
                        reads.invalidate(CacheTags.VENDORS); // every vendor page and search result
                    }
                    return ApiResponse.ok(done);
                })
                .get("/api/notifications", this::notifications)
                .get("/api/analytics/dashboard", r -> {
                    r.allowParams("org");
                    long org = r.requiredId("org");
                    return ApiResponse.ok(reads.get(r, CacheName.ANALYTICS_DASHBOARD, Long.toString(org),
                            List.of(CacheTags.orgAnalytics(org)), request -> analytics.dashboard(request, org)));
                })
                .get("/api/analytics/vendors", r -> {
                    r.allowParams("org");
                    return ApiResponse.ok(analytics.vendors(r.context(), r.requiredId("org")));
                });
    }

    private ApiResponse searchVendors(ApiRequest r) throws Exception {
        r.allowParams("category", "city", "minRating", "q", "sort", "page", "size", "cursor");
        Optional<String> category = r.enumParam("category", Vendors.CATEGORIES);
        Optional<String> city = r.textParam("city", 100);
        Optional<BigDecimal> minRating = r.decimalParam("minRating", BigDecimal.ZERO, BigDecimal.valueOf(5));
        Optional<String> q = r.textParam("q", 100);
        Paging.PageRequest page = ClientEndpoints.page(r, Vendors.SORTS, "-rating");
        return ApiResponse.ok(reads.get(r, CacheName.VENDOR_SEARCH, r.canonicalQuery(),
                List.of(CacheTags.VENDOR_SEARCH, CacheTags.VENDORS), request -> vendors.search(request, category, city,
                        minRating, q, page)));
    }

    private ApiResponse notifications(ApiRequest r) throws Exception {
        r.allowParams("user", "unread", "page", "size", "cursor");
        long user = r.requiredId("user");
        boolean unread = r.booleanParam("unread").orElse(false);
        Paging.PageRequest page = Paging.request(Notifications.SORTS, "-createdAt", Optional.empty(),
                r.intParam("size", 20, 1, Paging.MAX_SIZE), r.param("page"), r.param("cursor"),
                r.mode() == PerfMode.NAIVE);
        return ApiResponse.ok(reads.get(r, CacheName.NOTIFICATIONS, r.canonicalQuery(),
                List.of(CacheTags.notifications(user)), request -> notifications.list(request, user, unread, page)));
    }
}
