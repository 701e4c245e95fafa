package dev.perfgate.sut.http;

import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.perfgate.sut.cache.TwoLevelCache;
import dev.perfgate.sut.contract.ApiError;
import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.contract.Json;
import dev.perfgate.sut.contract.PerformanceFigures;
import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.domain.Analytics;
import dev.perfgate.sut.metrics.EndpointStats;
import dev.perfgate.sut.query.StatementStats;
import dev.perfgate.sut.query.SlowStatements;
import dev.perfgate.sut.request.RequestContext;

/**
 * The live streams (Server-Sent Events): an organization's dashboard figures, and the service's own performance
 * summary for a terminal or browser monitor.
 *
 * <p><b>Dashboard ids and resuming.</b> An event id is {@code <sequence>-<content hash>}. A dashboard only needs its
 * latest figures, so a reconnecting client is not sent the events it missed; instead the id tells the service what
 * the client already shows: if the figures are unchanged it gets no event until they change (only heartbeats), and
 * if they changed it gets the current figures at once, numbered after the last one it saw. The id carries all the
 * state, so a client can resume on any node of the service.
 *
 * <p>Each stream holds a virtual thread and, only while it computes figures, a pooled connection. Streams end when
 * the client goes away (the next write fails) or when the service stops.
 */
public final class LiveEndpoints implements AutoCloseable {
    private static final Pattern DASHBOARD_ID = Pattern.compile("(\\d{1,18})-([0-9a-f]{16})");
    private static final Pattern SEQUENCE_ID = Pattern.compile("\\d{1,18}");
    private static final int LATEST_SLOW = 5;

    private final Analytics analytics;
    private final Database db;
    private final EndpointStats stats;
    private final TwoLevelCache cache;
    private final SlowStatements slow;
    private final StatementStats queries;
    private final RateLimiter limiter;
    private final long intervalNanos;
    private final long heartbeatNanos;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicInteger dashboardStreams = new AtomicInteger();
    private final AtomicInteger metricsStreams = new AtomicInteger();

    /**
     * @param cache   the cache, or null when it is off
     * @param limiter the rate limiter, or null when limits are off
     */
    public LiveEndpoints(Analytics analytics, Database db, EndpointStats stats, TwoLevelCache cache,
                         SlowStatements slow, StatementStats queries, RateLimiter limiter, int intervalMs,
                         int heartbeatMs) {
        this.analytics = analytics;
        this.db = db;
        this.stats = stats;
        this.cache = cache;
        this.slow = slow;
        this.queries = queries;
        this.limiter = limiter;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        this.heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(heartbeatMs);
    }

    /** Registers the routes. */
    public void register(Routes routes) {
        routes.stream("/api/analytics/live", this::dashboard)
                .stream("/api/performance/metrics/stream", this::metrics);
    }

    /** Returns the open streams, for the metrics endpoint. */
    public PerformanceFigures.Streams snapshot() {
        return new PerformanceFigures.Streams(dashboardStreams.get(), metricsStreams.get());
    }

    /** Ends every open stream (their loops return and the responses complete) before the server stops. */
    @Override
    public void close() {
        closing.countDown();
    }

    private ApiResponse dashboard(ApiRequest r) throws Exception {
        r.allowParams("org");
        long org = r.requiredId("org");
        String lastId = r.header("Last-Event-ID").orElse(null);
        long sequence = 0;
        String shown = null;
        if (lastId != null && !lastId.isEmpty()) {
            Matcher m = DASHBOARD_ID.matcher(lastId);
            if (!m.matches()) {
                throw ApiException.badRequest("Last-Event-ID", "Last-Event-ID was \"" + abbreviate(lastId)
                        + "\", must be an id this stream sent: <sequence>-<16 hex digits>");
            }
            sequence = Long.parseLong(m.group(1));
            shown = m.group(2);
        }
        byte[] first = Json.bytes(analytics.dashboard(r.context(), org)); // an unknown organization is a 404 before the stream
        long startSequence = sequence;
        String startShown = shown;
        return new ApiResponse(200, new ApiResponse.Streamed(EventStream.CONTENT_TYPE,
                out -> streamDashboard(org, startSequence, startShown, first, out)), streamHeaders());
    }

    private void streamDashboard(long org, long sequence, String shown, byte[] first, OutputStream out)
            throws Exception {
        dashboardStreams.incrementAndGet();
        try {
            EventStream events = new EventStream(out);
            events.retry(TimeUnit.NANOSECONDS.toMillis(intervalNanos));
            byte[] figures = first;
            long nextTick = System.nanoTime() + intervalNanos;
            while (true) {
                if (figures != null) {
                    String hash = hash(figures);
                    if (!hash.equals(shown)) {
                        sequence++;
                        events.event(sequence + "-" + hash, "dashboard", figures);
                        shown = hash;
                    }
                    figures = null;
                }
                if (events.idleNanos() >= heartbeatNanos) {
                    events.comment("heartbeat");
                }
                long wait = Math.min(nextTick - System.nanoTime(), heartbeatNanos - events.idleNanos());
                if (wait > 0 && closing.await(wait, TimeUnit.NANOSECONDS)) {
                    return;
                }
                if (System.nanoTime() >= nextTick) {
                    nextTick = System.nanoTime() + intervalNanos;
                    try {
                        figures = tick("GET /api/analytics/live",
                                request -> Json.bytes(analytics.dashboard(request, org)));
                    } catch (SQLException e) {
                        ApiException error = ErrorResponses.fromSql(e);
                        // the stream stays open: the next tick tries again, and the client keeps its figures
                        events.event(null, "error", Json.bytes(ApiError.outsideRequest(
                                error == null ? "database_error" : error.code(), e.getMessage())));
                    } catch (ApiException e) {
                        events.event(null, "error", Json.bytes(ApiError.outsideRequest(e.code(), e.getMessage())));
                        return; // the organization is gone
                    }
                }
            }
        } finally {
            dashboardStreams.decrementAndGet();
        }
    }

    private ApiResponse metrics(ApiRequest r) {
        r.allowParams("intervalMs");
        long interval = TimeUnit.MILLISECONDS.toNanos(r.intParam("intervalMs",
                (int) TimeUnit.NANOSECONDS.toMillis(intervalNanos), 100, 60_000));
        String lastId = r.header("Last-Event-ID").orElse("");
        if (!lastId.isEmpty() && !SEQUENCE_ID.matcher(lastId).matches()) {
            throw ApiException.badRequest("Last-Event-ID", "Last-Event-ID was \"" + abbreviate(lastId)
                    + "\", must be an id this stream sent: a sequence number");
        }
        // numbering goes on from the last event the client saw; the intervals it missed are not replayed
        long sequence = lastId.isEmpty() ? 0 : Long.parseLong(lastId);
        return new ApiResponse(200, new ApiResponse.Streamed(EventStream.CONTENT_TYPE,
                out -> streamMetrics(interval, sequence, out)), streamHeaders());
    }

    private void streamMetrics(long interval, long sequence, OutputStream out) throws Exception {
        metricsStreams.incrementAndGet();
        try {
            EventStream events = new EventStream(out);
            events.retry(TimeUnit.NANOSECONDS.toMillis(interval));
            EndpointStats.IntervalView view = stats.intervalView();
            long[] cacheBefore = cacheCounts();
            long slowBefore = slow.seen();
            long rejectedBefore = rejected();
            while (awaitTick(events, interval)) {
                PerformanceFigures.Interval endpoints = view.next();
                long requests = endpoints.endpoints().stream().mapToLong(PerformanceFigures.IntervalEndpoint::count)
                        .sum();
                long[] cacheNow = cacheCounts();
                long lookups = cacheNow[0] - cacheBefore[0];
                long hits = cacheNow[1] - cacheBefore[1];
                cacheBefore = cacheNow;
                long slowNow = slow.seen();
                MetricsEvent.Slow slowStatements = new MetricsEvent.Slow(Math.max(0, slowNow - slowBefore),
                        slow.latest(LATEST_SLOW));
                slowBefore = slowNow;
                long rejectedNow = rejected();
                long rateLimited = Math.max(0, rejectedNow - rejectedBefore);
                rejectedBefore = rejectedNow;
                Runtime rt = Runtime.getRuntime();
                MetricsEvent summary = new MetricsEvent(Instant.now().toString(), endpoints.intervalSeconds(),
                        requests, Math.round(requests / endpoints.intervalSeconds() * 10) / 10.0,
                        endpoints.endpoints(), PerformanceEndpoints.pools(db),
                        new MetricsEvent.Cache(cache != null, Math.max(0, lookups),
                                lookups <= 0 ? null : Math.round(10_000.0 * hits / lookups) / 10_000.0),
                        slowStatements, rateLimited, rt.totalMemory() - rt.freeMemory(), snapshot());
                events.event(Long.toString(++sequence), "metrics", Json.bytes(summary));
            }
        } finally {
            metricsStreams.decrementAndGet();
        }
    }

    /**
     * Waits one interval, sending heartbeats meanwhile when the interval is longer than the heartbeat period;
     * returns false when the service is stopping.
     */
    private boolean awaitTick(EventStream events, long interval) throws Exception {
        long due = System.nanoTime() + interval;
        for (long left = interval; left > 0; left = due - System.nanoTime()) {
            if (closing.await(Math.min(left, heartbeatNanos - events.idleNanos()), TimeUnit.NANOSECONDS)) {
                return false;
            }
            if (events.idleNanos() >= heartbeatNanos) {
                events.comment("heartbeat");
            }
        }
        return true;
    }

    /** Runs one tick's queries as a request of its own, so the N+1 detector judges each tick separately. */
    private <T> T tick(String route, SqlCall<T> call) throws SQLException {
        RequestContext tick = RequestContext.of(route);
        try {
            return call.run(tick);
        } finally {
            queries.end(tick);
            tick.fileCounts();
        }
    }

    @FunctionalInterface
    private interface SqlCall<T> {
        T run(RequestContext request) throws SQLException;
    }

    private long[] cacheCounts() {
        return cache == null ? new long[2] : cache.lookupsAndHits();
    }

    private long rejected() {
        return limiter == null ? 0 : limiter.rejected();
    }

    private static Map<String, String> streamHeaders() {
        // X-Accel-Buffering: nginx (and proxies that copy it) pass each event on instead of buffering the stream
        return Map.of("Cache-Control", "no-store", "X-Accel-Buffering", "no");
    }

    private static String hash(byte[] figures) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(figures), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
