package dev.perfgate.sut.domain;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import dev.perfgate.sut.cache.CacheName;
import dev.perfgate.sut.cache.CacheTags;
import dev.perfgate.sut.cache.TwoLevelCache;
import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.request.RequestContext;

/**
 * Optional start-up warm-up ({@code SUT_CACHE_WARMUP=true}): loads what the first minutes of traffic read hardest —
 * every organization's analytics dashboard (the most expensive reads) and the most booked vendors' pages — so the
 * first users do not pay the misses.
 */
public final class CacheWarmup {
    private static final Logger LOG = Logger.getLogger(CacheWarmup.class.getName());
    private static final int TOP_VENDORS = 200;

    private CacheWarmup() {
    }

    /** Loads the hottest keys through the cache. */
    public static void run(TwoLevelCache cache, Database db) {
        long start = System.nanoTime();
        Analytics analytics = new Analytics(db);
        Vendors vendors = new Vendors(db);
        RequestContext warmup = RequestContext.background("cache warm-up");
        int loaded = 0;
        try {
            for (long org : ids(db, "SELECT id FROM organizations ORDER BY id")) {
                cache.get(warmup, CacheName.ANALYTICS_DASHBOARD, Long.toString(org),
                        List.of(CacheTags.orgAnalytics(org)), request -> analytics.dashboard(request, org));
                loaded++;
            }
            for (long vendor : ids(db, "SELECT vendor_id FROM bookings GROUP BY vendor_id ORDER BY count(*) DESC LIMIT "
                    + TOP_VENDORS)) {
                cache.get(warmup, CacheName.VENDOR_DETAIL, Long.toString(vendor),
                        List.of(CacheTags.vendor(vendor), CacheTags.VENDORS), request -> vendors.detail(request, vendor));
                loaded++;
            }
        } catch (Exception e) {
            LOG.warning("cache warm-up stopped after " + loaded + " entries: " + e.getMessage());
            return;
        } finally {
            warmup.fileCounts(); // a key warmed twice was an L1 hit the second time
        }
        int n = loaded;
        LOG.info(() -> String.format("cache warm-up: %d entries in %.1f s", n, (System.nanoTime() - start) / 1e9));
    }

    private static List<Long> ids(Database db, String sql) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = db.readPool().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }
}
