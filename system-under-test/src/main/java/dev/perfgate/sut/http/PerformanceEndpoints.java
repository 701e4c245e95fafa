package dev.perfgate.sut.http;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

import dev.perfgate.sut.cache.TwoLevelCache;
import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.db.ConnectionGuard;
import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.metrics.EndpointStats;
import dev.perfgate.sut.metrics.Metrics;
import dev.perfgate.sut.query.QueryInsights;
import dev.perfgate.sut.query.QueryMonitor;

/** Health, performance metrics (JSON and Prometheus), the query report and the admin operations the harness uses. */
public final class PerformanceEndpoints {
    private final Database db;
    private final EndpointStats stats;
    private final Metrics metrics;
    private final QueryMonitor queries;
    private final QueryInsights insights;
    private final TwoLevelCache cache;
    private final AdminAuth admin;
    private final RateLimiter limiter;
    private final LiveEndpoints live;
    private final ResponseEncoding encoding;

    /**
     * @param cache   the cache, or null when it is off
     * @param limiter the rate limiter, or null when limits are off
     */
    public PerformanceEndpoints(Database db, EndpointStats stats, Metrics metrics, QueryMonitor queries,
                                QueryInsights insights, TwoLevelCache cache, AdminAuth admin, RateLimiter limiter,
                                LiveEndpoints live, ResponseEncoding encoding) {
        this.limiter = limiter;
        this.live = live;
        this.encoding = encoding;
        this.insights = insights;
        this.cache = cache;
        this.db = db;
        this.stats = stats;
        this.metrics = metrics;
        this.queries = queries;
        this.admin = admin;
    }

    /** Registers the routes. */
    public void register(Routes routes) {
        routes.get("/api/performance/health", this::health)
                .get("/api/performance/metrics", r -> {
                    r.allowParams();
                    return ApiResponse.ok(performance());
                })
                .get("/api/performance/queries", r -> {
                    r.allowParams("top");
                    Map<String, Object> body = queries.report(r.intParam("top", 25, 1, 500));
                    body.putAll(insights.report());
                    return ApiResponse.ok(body);
                })
                .post("/api/admin/cache/clear", r -> {
                    admin.require(r, "tag");
                    Optional<String> tag = r.textParam("tag", 200);
                    if (cache == null) {
                        return ApiResponse.ok(Map.of("cleared", false, "reason", "cache is off (SUT_CACHE_ENABLED)"));
                    }
                    if (tag.isPresent()) {
                        if (!tag.get().matches("[A-Za-z0-9:._-]+")) {
                            throw ApiException.badRequest("tag", "tag was \"" + tag.get()
                                    + "\", must be letters, digits and : . _ - (e.g. client:42)");
                        }
                        cache.invalidate(tag.get());
                    } else {
                        cache.clear();
                    }
                    return ApiResponse.ok(Map.of("cleared", tag.orElse("all")));
                })
                .post("/api/admin/queries/analyze", r -> {
                    admin.require(r, "top");
                    return ApiResponse.ok(insights.analyzeTop(queries, r.intParam("top", 10, 1, 100)));
                })
                .get("/metrics", r -> new ApiResponse(200, new ApiResponse.Raw("text/plain; version=0.0.4; charset=utf-8",
                        metrics.scrape().getBytes(StandardCharsets.UTF_8)), Map.of()))
                .post("/api/admin/metrics/reset", r -> {
                    admin.require(r);
                    stats.reset();
                    queries.reset();
                    insights.reset();
                    metrics.heapPeak().reset();
                    if (cache != null) {
                        cache.resetStats();
                    }
                    return ApiResponse.ok(Map.of("reset", true));
                });
    }

    private ApiResponse health(ApiRequest r) {
        r.allowParams();
        Map<String, Object> components = new LinkedHashMap<>();
        boolean up = check("database", db.writePool(), db.writeGuard(), components);
        if (db.hasReplica()) {
            up &= check("readDatabase", db.readPool(), db.readGuard(), components);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        if (!up) {
            String failing = components.entrySet().stream()
                    .filter(e -> "DOWN".equals(((Map<?, ?>) e.getValue()).get("status")))
                    .map(e -> e.getKey() + ": " + ((Map<?, ?>) e.getValue()).get("error"))
                    .reduce((a, b) -> a + "; " + b).orElse("");
            body.put("error", "unavailable");
            body.put("message", failing);
        }
        body.put("components", components);
        return new ApiResponse(up ? 200 : 503, body, Map.of());
    }

    /**
     * Checks one database: at once from its breaker while it is known to be down (the check must not wait the
     * pool's timeout, or health itself would stall during an outage), else by running {@code SELECT 1}.
     */
    private static boolean check(String name, HikariDataSource pool, ConnectionGuard guard,
                                 Map<String, Object> components) {
        Map<String, Object> c = new LinkedHashMap<>();
        long start = System.nanoTime();
        boolean up;
        ConnectionGuard.Outage outage = guard.outage();
        if (outage != null) {
            up = false;
            c.put("status", "DOWN");
            c.put("error", outage.cause());
            c.put("downSince", outage.since().toString());
            c.put("downForMs", outage.millis());
        } else {
            try (Connection conn = pool.getConnection(); Statement s = conn.createStatement()) {
                s.setQueryTimeout(2);
                s.execute("SELECT 1");
                up = true;
                c.put("status", "UP");
            } catch (SQLException e) {
                guard.observe(e);
                up = false;
                c.put("status", "DOWN");
                c.put("error", e.getMessage());
            }
        }
        c.put("breaker", guard.outage() == null ? "closed" : "open");
        c.put("outages", guard.outages());
        c.put("latencyMs", (System.nanoTime() - start) / 1_000_000.0);
        c.put("pool", pool(pool));
        components.put(name, c);
        return up;
    }

    /** Returns a pool's configuration and current use. */
    static Map<String, Object> pool(HikariDataSource pool) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", pool.getPoolName());
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        if (bean != null) {
            m.put("active", bean.getActiveConnections());
            m.put("idle", bean.getIdleConnections());
            m.put("total", bean.getTotalConnections());
            m.put("waiting", bean.getThreadsAwaitingConnection());
        }
        m.put("max", pool.getMaximumPoolSize());
        return m;
    }

    private Map<String, Object> performance() {
        Map<String, Object> body = new LinkedHashMap<>(stats.snapshot());
        body.put("pools", Map.of("write", pool(db.writePool()), "read", pool(db.readPool())));
        body.put("cache", cache == null ? Map.of("enabled", false) : cache.snapshot());
        body.put("rateLimits", limiter == null ? Map.of("enabled", false) : limiter.snapshot());
        body.put("compression", Map.of("codings", encoding.offered().stream().map(ResponseEncoding.Coding::token)
                .toList(), "minBytes", encoding.minBytes()));
        body.put("streams", live.snapshot());
        Runtime rt = Runtime.getRuntime();
        // peak: the most heap held at once since start or the last metrics reset, which is what shows whether a
        // streaming export kept its memory flat
        body.put("jvm", Map.of("heapUsedBytes", rt.totalMemory() - rt.freeMemory(),
                "heapPeakBytes", metrics.heapPeak().peakBytes(),
                "heapMaxBytes", rt.maxMemory(), "uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000,
                "processors", rt.availableProcessors(), "javaVersion", Runtime.version().toString()));
        return body;
    }
}
