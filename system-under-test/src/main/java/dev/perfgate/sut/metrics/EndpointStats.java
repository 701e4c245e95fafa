package dev.perfgate.sut.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import dev.perfgate.sut.contract.PerformanceFigures;

/**
 * Per-route request counts and exact latency percentiles.
 *
 * <p>Each route records into an HdrHistogram {@link Recorder}: writers are wait-free, and a reader swaps out the
 * interval histogram and folds it into the route's cumulative one, so percentiles are exact (to 3 significant
 * digits) rather than estimated from buckets or a digest. The same observation also goes to a Micrometer timer so
 * that Prometheus sees it ({@code http_server_requests_seconds}, tagged method, route and status).
 */
public final class EndpointStats {
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);
    private static final int SLOWEST_KEPT = 3;

    private record SlowRequest(String requestId, int status, long nanos) {
    }

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();

    public EndpointStats(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Returns the recorder of one route; {@link Routes} keeps it, so the request path does no map lookup. */
    public Route route(String method, String pattern) {
        return routes.computeIfAbsent(method + " " + pattern, name -> new Route(name, method, pattern, registry));
    }

    /** One route's counters. */
    public static final class Route {
        private final String name;
        private final String method;
        private final String pattern;
        private final MeterRegistry registry;
        private final LongAdder count = new LongAdder();
        private final LongAdder clientErrors = new LongAdder();
        private final LongAdder serverErrors = new LongAdder();
        private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
        private final ConcurrentHashMap<Integer, Timer> timers = new ConcurrentHashMap<>();
        private Histogram cumulative = new Histogram(HIGHEST_MICROS, 3);
        private Histogram interval;
        /** The slowest requests since the last reset, slowest first, so a report's outlier can be found in the log. */
        private final List<SlowRequest> slowest = new ArrayList<>(SLOWEST_KEPT + 1);
        /** Duration a request must exceed to enter {@link #slowest}: read without the lock on every request. */
        private volatile long slowestFloor;

        Route(String name, String method, String pattern, MeterRegistry registry) {
            this.name = name;
            this.method = method;
            this.pattern = pattern;
            this.registry = registry;
        }

        /** Records one request's status and duration. */
        public void record(int status, long nanos) {
            count.increment();
            if (status >= 500) {
                serverErrors.increment();
            } else if (status >= 400) {
                clientErrors.increment();
            }
            recorder.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1000)));
            Timer timer = timers.get(status);
            if (timer == null) {
                timer = timers.computeIfAbsent(status, s -> Timer.builder("http.server.requests")
                        .description("HTTP requests by route")
                        .tags("method", method, "route", pattern, "status", Integer.toString(s))
                        .publishPercentileHistogram()
                        .register(registry));
            }
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }

        /** Keeps the request among the route's slowest if it is one; one volatile read when it is not. */
        public void offerSlowest(String requestId, int status, long nanos) {
            if (nanos <= slowestFloor) {
                return;
            }
            synchronized (this) {
                int i = 0;
                while (i < slowest.size() && slowest.get(i).nanos() >= nanos) {
                    i++;
                }
                slowest.add(i, new SlowRequest(requestId, status, nanos));
                if (slowest.size() > SLOWEST_KEPT) {
                    slowest.removeLast();
                }
                slowestFloor = slowest.size() == SLOWEST_KEPT ? slowest.getLast().nanos() : 0;
            }
        }

        /** Moves what writers recorded since the last fold into the cumulative histogram; callers hold the lock. */
        private void fold() {
            interval = recorder.getIntervalHistogram(interval);
            cumulative.add(interval);
        }

        synchronized PerformanceFigures.Endpoint snapshot() {
            fold();
            Histogram h = cumulative;
            boolean empty = h.getTotalCount() == 0;
            return new PerformanceFigures.Endpoint(name, count.sum(), clientErrors.sum(), serverErrors.sum(),
                    empty ? null : h.getMinValue() / 1000.0,
                    empty ? null : h.getValueAtPercentile(50) / 1000.0,
                    empty ? null : h.getValueAtPercentile(95) / 1000.0,
                    empty ? null : h.getValueAtPercentile(99) / 1000.0,
                    empty ? null : h.getMaxValue() / 1000.0,
                    empty ? null : Math.round(h.getMean()) / 1000.0,
                    slowest.stream().map(r -> new PerformanceFigures.SlowRequest(r.requestId(), r.status(),
                            r.nanos() / 1_000_000.0)).toList());
        }

        /** Folds pending records in and returns a copy of everything recorded since the last reset. */
        synchronized Histogram cumulativeCopy() {
            fold();
            return cumulative.copy();
        }

        synchronized void reset() {
            interval = recorder.getIntervalHistogram(interval);
            cumulative = new Histogram(HIGHEST_MICROS, 3);
            slowest.clear();
            slowestFloor = 0;
            count.reset();
            clientErrors.reset();
            serverErrors.reset();
        }
    }

    /** Every route that has served a request, by name, and the five slowest by p95. */
    public record Served(List<PerformanceFigures.Endpoint> endpoints, List<PerformanceFigures.SlowRoute> slowest) {
    }

    /** Returns every route that has served a request, by name, plus the five slowest by p95. */
    public Served snapshot() {
        List<PerformanceFigures.Endpoint> used = routes.values().stream().sorted(Comparator.comparing(r -> r.name))
                .map(Route::snapshot).filter(e -> e.p95Ms() != null).toList();
        return new Served(used, used.stream()
                .sorted(Comparator.comparingDouble(PerformanceFigures.Endpoint::p95Ms).reversed())
                .limit(5).map(e -> new PerformanceFigures.SlowRoute(e.route(), e.p95Ms())).toList());
    }

    /**
     * Returns a view for one live subscriber: each {@link IntervalView#next()} gives per-route rates and exact
     * percentiles of the requests since the previous call, computed as the difference of cumulative histograms, so
     * any number of subscribers can watch without disturbing each other or the cumulative figures.
     */
    public IntervalView intervalView() {
        return new IntervalView();
    }

    /** Per-interval figures for one subscriber. */
    public final class IntervalView {
        private final Map<String, Histogram> previous = new java.util.HashMap<>();
        private final Map<String, long[]> previousErrors = new java.util.HashMap<>();
        private long previousNanos = System.nanoTime();

        private IntervalView() {
            next(); // the first interval starts now, not at the last reset
        }

        /** Returns the figures of every route that served requests since the previous call, busiest first. */
        public PerformanceFigures.Interval next() {
            long now = System.nanoTime();
            double seconds = Math.max(1e-3, (now - previousNanos) / 1e9);
            previousNanos = now;
            List<PerformanceFigures.IntervalEndpoint> rows = new ArrayList<>();
            for (Route r : routes.values()) {
                Histogram current = r.cumulativeCopy();
                long[] errors = {r.clientErrors.sum(), r.serverErrors.sum()};
                Histogram before = previous.put(r.name, current);
                long[] errorsBefore = previousErrors.put(r.name, errors);
                Histogram delta = current.copy();
                if (before != null && before.getTotalCount() <= current.getTotalCount()) {
                    try {
                        delta.subtract(before);
                    } catch (IllegalArgumentException reset) {
                        delta = current.copy(); // the route was reset in between: all of it is new
                    }
                }
                if (delta.getTotalCount() == 0) {
                    continue;
                }
                boolean wasReset = before == null || before.getTotalCount() > current.getTotalCount();
                rows.add(new PerformanceFigures.IntervalEndpoint(r.name, delta.getTotalCount(),
                        Math.round(delta.getTotalCount() / seconds * 10) / 10.0,
                        delta.getValueAtPercentile(50) / 1000.0, delta.getValueAtPercentile(95) / 1000.0,
                        delta.getValueAtPercentile(99) / 1000.0, delta.getMaxValue() / 1000.0,
                        wasReset || errorsBefore == null ? errors[0] : errors[0] - errorsBefore[0],
                        wasReset || errorsBefore == null ? errors[1] : errors[1] - errorsBefore[1]));
            }
            rows.sort(Comparator.comparingLong(PerformanceFigures.IntervalEndpoint::count).reversed());
            return new PerformanceFigures.Interval(Math.round(seconds * 1000) / 1000.0, rows);
        }
    }

    /** Clears every route's counts and histograms (between harness runs). */
    public void reset() {
        routes.values().forEach(Route::reset);
    }
}
