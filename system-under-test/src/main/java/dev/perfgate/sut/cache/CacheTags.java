package dev.perfgate.sut.cache;

/**
 * The tags entries carry, in one place so that readers and writers agree: a write invalidates exactly the tags of
 * the data it changed.
 */
public final class CacheTags {
    /** Carried by every entry: invalidating it clears the whole cache in O(1). */
    public static final String ALL = "all";
    /** Every vendor page and search result (a rating recomputation changes them all). */
    public static final String VENDORS = "vendors";
    /** Vendor search pages. */
    public static final String VENDOR_SEARCH = "vendors:search";

    private CacheTags() {
    }

    /** A couple's detail, budget and timeline. */
    public static String client(long id) {
        return "client:" + id;
    }

    /** A vendor's page. */
    public static String vendor(long id) {
        return "vendor:" + id;
    }

    /** An organization's analytics. */
    public static String orgAnalytics(long orgId) {
        return "org:" + orgId + ":analytics";
    }

    /** A planner's notifications. */
    public static String notifications(long userId) {
        return "user:" + userId + ":notifications";
    }
}
