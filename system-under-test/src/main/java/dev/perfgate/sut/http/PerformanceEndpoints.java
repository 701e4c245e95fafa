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
import dev.perfgate.sut.contract.PerformanceFigures;
import dev.perfgate.sut.db.ConnectionGuard;
import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.metrics.EndpointStats;
import dev.perfgate.sut.metrics.Metrics;
import dev.perfgate.sut.query.QueryInsights;
import dev.perfgate.sut.query.StatementStats;

/** Health, performance metrics (JSON and Prometheus), the query report and the admin operations the harness uses. */
public final class PerformanceEndpoints {
    private final Database db;
    private final EndpointStats stats;
    private final Metrics metrics;
    private final StatementStats queries;
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
    public PerformanceEndpoints(Database db, EndpointStats stats, Metrics metrics, StatementStats queries,
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
                    return ApiResponse.ok(queries.report(r.intParam("top", 25, 1, 500))
                            .withInsights(insights.report()));
                })
                .post("/api/admin/cache/clear", r -> {
                    admin.require(r, "tag");
                    Optional<String> tag = r.textParam("tag", 200);
                    if (cache == null) {
                        return ApiResponse.ok(new CacheOff(false, "cache is off (SUT_CACHE_ENABLED)"));
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
                    return ApiResponse.ok(new CacheCleared(tag.orElse("all")));
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
                    return ApiResponse.ok(new StatisticsReset(true));
                });
    }

    /** {@code POST /api/admin/cache/clear}: which tag was invalidated, or {@code all}. */
    record CacheCleared(String cleared) {
    }

    /** {@code POST /api/admin/cache/clear} with the cache off: nothing to clear, and why. */
    record CacheOff(boolean cleared, String reason) {
    }

    /** {@code POST /api/admin/metrics/reset}: the statistics were cleared. */
    record StatisticsReset(boolean reset) {
    }

    private ApiResponse health(ApiRequest r) {
        r.allowParams();
        Map<String, PerformanceFigures.Component> components = new LinkedHashMap<>();
        components.put("database", check(db.writePool(), db.writeGuard()));
        if (db.hasReplica()) {
            components.put("readDatabase", check(db.readPool(), db.readGuard()));
        }
        String failing = components.entrySet().stream().filter(e -> "DOWN".equals(e.getValue().status()))
                .map(e -> e.getKey() + ": " + e.getValue().error()).reduce((a, b) -> a + "; " + b).orElse(null);
        boolean up = failing == null;
        return new ApiResponse(up ? 200 : 503, new PerformanceFigures.Health(up ? "UP" : "DOWN",
                up ? null : "unavailable", failing, components), Map.of());
    }

    /**
     * Checks one database: at once from its breaker while it is known to be down (the check must not wait the
     * pool's timeout, or health itself would stall during an outage), else by running {@code SELECT 1}.
     */
    private static PerformanceFigures.Component check(HikariDataSource pool, ConnectionGuard guard) {
        long start = System.nanoTime();
        String status;
        String error = null;
        String downSince = null;
        Long downForMs = null;
        ConnectionGuard.Outage outage = guard.outage();
        if (outage != null) {
            status = "DOWN";
            error = outage.cause();
            downSince = outage.since().toString();
            downForMs = outage.millis();
        } else {
            try (Connection conn = pool.getConnection(); Statement s = conn.createStatement()) {
                s.setQueryTimeout(2);
                s.execute("SELECT 1");
                status = "UP";
            } catch (SQLException e) {
                guard.observe(e);
                status = "DOWN";
                error = e.getMessage();
            }
        }
        return new PerformanceFigures.Component(status, error, downSince, downForMs,
                guard.outage() == null ? "closed" : "open", guard.outages(),
                (System.nanoTime() - start) / 1_000_000.0, pool(pool));
    }

    /** Returns a pool's configuration and current use. */
    static PerformanceFigures.Pool pool(HikariDataSource pool) {
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        return bean == null
                ? new PerformanceFigures.Pool(pool.getPoolName(), null, null, null, null, pool.getMaximumPoolSize())
                : new PerformanceFigures.Pool(pool.getPoolName(), bean.getActiveConnections(), bean.getIdleConnections(),
                        bean.getTotalConnections(), bean.getThreadsAwaitingConnection(), pool.getMaximumPoolSize());
    }

    /** Returns the write and read pools, as {@code /api/performance/metrics} and the metrics stream show them. */
    static Map<String, PerformanceFigures.Pool> pools(Database db) {
        Map<String, PerformanceFigures.Pool> pools = new LinkedHashMap<>();
        pools.put("write", pool(db.writePool()));
        pools.put("read", pool(db.readPool()));
        return pools;
    }

    private PerformanceFigures performance() {
        EndpointStats.Served served = stats.snapshot();
        Runtime rt = Runtime.getRuntime();
        return new PerformanceFigures(PerformanceFigures.SCHEMA_VERSION, served.endpoints(), served.slowest(),
                pools(db), cache == null ? PerformanceFigures.Cache.OFF : cache.snapshot(),
                limiter == null ? PerformanceFigures.RateLimits.OFF : limiter.snapshot(),
                new PerformanceFigures.Compression(encoding.offered().stream().map(ResponseEncoding.Coding::token)
                        .toList(), encoding.minBytes()),
                live.snapshot(),
                // peak: the most heap held at once since start or the last metrics reset, which is what shows
                // whether a streaming export kept its memory flat
                new PerformanceFigures.Jvm(rt.totalMemory() - rt.freeMemory(), metrics.heapPeak().peakBytes(),
                        rt.maxMemory(), ManagementFactory.getRuntimeMXBean().getUptime() / 1000,
                        rt.availableProcessors(), Runtime.version().toString()));
    }
}
