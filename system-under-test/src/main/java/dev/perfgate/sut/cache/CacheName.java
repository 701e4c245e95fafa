package dev.perfgate.sut.cache;

/** The service's caches and the strategy each uses. */
public enum CacheName {
    CLIENT_DETAIL("client-detail", "high-traffic"),
    BUDGET("budget", "standard"),
    TIMELINE("timeline", "standard"),
    VENDOR_DETAIL("vendor-detail", "high-traffic"),
    VENDOR_SEARCH("vendor-search", "high-traffic"),
    NOTIFICATIONS("notifications", "standard"),
    ANALYTICS_DASHBOARD("analytics-dashboard", "analytics");

    private final String id;
    private final String strategy;

    CacheName(String id, String strategy) {
        this.id = id;
        this.strategy = strategy;
    }

    public String id() {
        return id;
    }

    public String strategy() {
        return strategy;
    }
}
