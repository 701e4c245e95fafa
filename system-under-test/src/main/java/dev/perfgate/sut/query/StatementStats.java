package dev.perfgate.sut.query;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;
import net.ttddyy.dsproxy.proxy.ParameterSetOperation;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import dev.perfgate.analyzer.Fingerprint;
import dev.perfgate.analyzer.QueryAnalyzer;
import dev.perfgate.sut.request.RequestContext;

/**
 * Watches every statement both pools run (a datasource-proxy listener): times it and files it under its
 * {@link Fingerprint} and the HTTP route that ran it, counts statements per request ({@code X-Query-Count}), and
 * flags, per request, the same fingerprint run again and again with different values (an N+1 suspect) or with the
 * same values (a repeated identical statement).
 *
 * <p>The per-request state is the request's {@link RequestContext}: each borrowed connection is watched by a
 * {@link #listenerFor listener} bound to the context of the work it serves, so statements land on their request
 * without any thread-local. The per-statement path is a cached fingerprint lookup, a few adders and a histogram
 * record; the calling code location is looked up with a stack walk only when a request first crosses the N+1
 * threshold for a fingerprint.
 */
public final class StatementStats {
    private static final Logger LOG = Logger.getLogger(StatementStats.class.getName());
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);
    /**
     * The version of {@code /api/performance/queries}: 1 is the first with a version, whose N+1 and repeated lists
     * are {@link SuspectFigures} (route, fingerprint, requests, maxPerRequest, location).
     */
    public static final int REPORT_SCHEMA_VERSION = 1;

    private final int nPlusOneThreshold;
    private final MeterRegistry registry;
    private final SlowStatements slow;
    private final ConcurrentHashMap<String, FingerprintStats> fingerprints = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Suspect> suspects = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RouteStatements> routes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> nPlusOneCounters = new ConcurrentHashMap<>();

    /**
     * @param nPlusOneThreshold executions of one fingerprint with different values in one request that make a suspect
     * @param slow              the slow-statement log, or null for none (the seed command)
     */
    public StatementStats(int nPlusOneThreshold, MeterRegistry registry, SlowStatements slow) {
        this.nPlusOneThreshold = nPlusOneThreshold;
        this.registry = registry;
        this.slow = slow;
    }

    /** Totals of one fingerprint across requests. */
    private static final class FingerprintStats {
        final LongAdder calls = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder totalMicros = new LongAdder();
        final Recorder latency = new Recorder(HIGHEST_MICROS, 3);
        final ConcurrentHashMap<String, LongAdder> byRoute = new ConcurrentHashMap<>();
        Histogram cumulative = new Histogram(HIGHEST_MICROS, 3);
        Histogram interval;
        /** The first execution with its values written in: what the analyzer plans for this fingerprint. */
        volatile String sample;

        synchronized Histogram histogram() {
            interval = latency.getIntervalHistogram(interval);
            cumulative.add(interval);
            return cumulative;
        }
    }

    /** A route and fingerprint that repeated within requests. */
    private static final class Suspect {
        final String kind;
        final String route;
        final String fingerprint;
        final String location;
        final LongAdder requests = new LongAdder();
        final AtomicLong maxPerRequest = new AtomicLong();

        Suspect(String kind, String route, String fingerprint, String location) {
            this.kind = kind;
            this.route = route;
            this.fingerprint = fingerprint;
            this.location = location;
        }
    }

    private static final class RouteStatements {
        final LongAdder requests = new LongAdder();
        final LongAdder statements = new LongAdder();
        final AtomicLong max = new AtomicLong();
    }

    /** Files a finished request's statement count and any repetition it showed under its route. */
    public void end(RequestContext request) {
        RouteStatements r = routes.computeIfAbsent(request.route(), k -> new RouteStatements());
        r.requests.increment();
        r.statements.add(request.statements());
        r.max.accumulateAndGet(request.statements(), Math::max);
        for (Map.Entry<String, RequestContext.StatementShape> e : request.shapes().entrySet()) {
            RequestContext.StatementShape p = e.getValue();
            if (p.executions >= nPlusOneThreshold && p.valueHashes.size() > 1) {
                flag("n+1", request.route(), e.getKey(), p.location, p.executions);
            }
            if (p.identicalRepeats >= 1) {
                flag("repeated", request.route(), e.getKey(), p.location, p.identicalRepeats + 1);
            }
        }
    }

    private void flag(String kind, String route, String fingerprint, String location, int perRequest) {
        Suspect s = suspects.computeIfAbsent(kind + "\n" + route + "\n" + fingerprint, k -> {
            if (kind.equals("n+1")) {
                LOG.warning(() -> "N+1 suspect on " + route + ": \"" + abbreviate(fingerprint) + "\" ran " + perRequest
                        + " times with different values in one request, from " + location);
            }
            return new Suspect(kind, route, fingerprint, location);
        });
        s.requests.increment();
        s.maxPerRequest.accumulateAndGet(perRequest, Math::max);
        if (kind.equals("n+1")) {
            nPlusOneCounters.computeIfAbsent(route, r -> Counter.builder("perfgate.query.nplusone")
                    .description("Requests that ran one statement shape repeatedly with different values")
                    .tag("route", r).register(registry)).increment();
        }
    }

    /**
     * Returns the listener of one borrowed connection serving the work of one request (or of background work): it
     * times each statement and files it under the context. A connection is used by one thread at a time, so the
     * listener keeps the statement's start in a plain field.
     */
    public QueryExecutionListener listenerFor(RequestContext request) {
        return new QueryExecutionListener() {
            private long started;

            @Override
            public void beforeQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
                started = System.nanoTime();
            }

            @Override
            public void afterQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
                executed(request, (System.nanoTime() - started) / 1000, execInfo, queryInfoList);
            }
        };
    }

    private void executed(RequestContext request, long micros, ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
        String route = request.route();
        int executed = 0;
        for (QueryInfo qi : queryInfoList) {
            String fingerprint = Fingerprint.of(qi.getQuery());
            FingerprintStats stats = fingerprints.computeIfAbsent(fingerprint, f -> new FingerprintStats());
            stats.calls.increment();
            stats.totalMicros.add(micros / queryInfoList.size());
            stats.latency.recordValue(Math.min(HIGHEST_MICROS, micros / queryInfoList.size()));
            stats.byRoute.computeIfAbsent(route, r -> new LongAdder()).increment();
            if (stats.sample == null) {
                stats.sample = qi.getParametersList().isEmpty() ? qi.getQuery()
                        : RecordedParameters.inline(qi.getQuery(), qi.getParametersList().getFirst());
            }
            if (!execInfo.isSuccess()) {
                stats.errors.increment();
            }
            if (slow != null && slow.isSlow(micros)) {
                slow.offer(new SlowStatements.Slow(qi.getQuery(), fingerprint, route, micros,
                        qi.getParametersList().isEmpty() ? List.of() : List.copyOf(qi.getParametersList().getFirst()),
                        java.time.Instant.now()));
            }
            int runs = execInfo.isBatch() ? Math.max(1, qi.getParametersList().size()) : 1;
            executed += runs;
            track(request, fingerprint, qi, runs);
        }
        request.addStatements(executed);
    }

    private void track(RequestContext request, String fingerprint, QueryInfo qi, int runs) {
        RequestContext.StatementShape p = request.shape(fingerprint);
        p.executions += runs;
        if (p.valueHashes.size() <= nPlusOneThreshold) {
            int hash = valuesHash(qi);
            if (p.valueHashes.contains(hash)) {
                p.identicalRepeats++;
            } else {
                p.valueHashes.add(hash);
            }
        }
        if (p.location == null && (p.executions >= nPlusOneThreshold || p.identicalRepeats > 0)) {
            p.location = callerLocation();
        }
    }

    private static int valuesHash(QueryInfo qi) {
        int h = 1;
        for (List<ParameterSetOperation> set : qi.getParametersList()) {
            for (ParameterSetOperation op : set) {
                Object[] args = op.getArgs();
                h = 31 * h + (args == null ? 0 : Arrays.deepHashCode(args));
            }
        }
        return h;
    }

    /** Shared JDBC helpers: the statement's origin is whoever called them. */
    private static final java.util.Set<String> HELPERS = java.util.Set.of("dev.perfgate.sut.domain.Rows",
            "dev.perfgate.sut.domain.Paging", "dev.perfgate.sut.db.Database");

    /** Returns the first frame in the service's own code that is not plumbing: where the statement came from. */
    private static String callerLocation() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> f.getClassName().startsWith("dev.perfgate.sut.")
                        && !f.getClassName().startsWith("dev.perfgate.sut.query.")
                        && !HELPERS.contains(f.getClassName()))
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "."
                        + f.getMethodName().replaceAll("^lambda\\$(\\w+)\\$\\d+$", "$1")
                        + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .findFirst().orElse("unknown"));
    }

    /**
     * Returns the report: top fingerprints by total time, suspects by route, statements per request by route, slow
     * statements; the index recommendations are added by {@link QueryReport#withInsights}.
     */
    public QueryReport report(int top) {
        List<QueryReport.Fingerprint> fps = fingerprints.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, FingerprintStats> e) -> e.getValue().totalMicros.sum())
                        .reversed())
                .limit(top).map(e -> {
                    FingerprintStats s = e.getValue();
                    Histogram h = s.histogram();
                    Map<String, Long> byRoute = new LinkedHashMap<>();
                    s.byRoute.entrySet().stream().sorted(Map.Entry.comparingByKey())
                            .forEach(r -> byRoute.put(r.getKey(), r.getValue().sum()));
                    return new QueryReport.Fingerprint(e.getKey(), s.calls.sum(), s.errors.sum(),
                            s.totalMicros.sum() / 1000.0, h.getTotalCount() == 0 ? 0 : Math.round(h.getMean()) / 1000.0,
                            h.getValueAtPercentile(95) / 1000.0, h.getMaxValue() / 1000.0, byRoute);
                }).toList();
        List<QueryReport.RouteStatements> perRoute = routes.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> {
                    RouteStatements r = e.getValue();
                    long n = r.requests.sum();
                    return new QueryReport.RouteStatements(e.getKey(), n,
                            n == 0 ? 0 : Math.round(100.0 * r.statements.sum() / n) / 100.0, r.max.get());
                }).toList();
        return new QueryReport(REPORT_SCHEMA_VERSION, nPlusOneThreshold, fps, suspects("n+1"), suspects("repeated"),
                perRoute, slow == null ? null : slow.report(), List.of(), null);
    }

    /** Returns the top fingerprints by total time as analyzer targets, each with a sample of its statement. */
    public List<QueryAnalyzer.Target> topTargets(int top) {
        return fingerprints.entrySet().stream()
                .filter(e -> e.getValue().sample != null)
                .sorted(Comparator.comparingLong((Map.Entry<String, FingerprintStats> e) -> e.getValue().totalMicros.sum())
                        .reversed())
                .limit(top)
                .map(e -> {
                    FingerprintStats s = e.getValue();
                    long calls = s.calls.sum();
                    double totalMs = s.totalMicros.sum() / 1000.0;
                    return new QueryAnalyzer.Target(e.getKey(), s.sample, calls, totalMs,
                            calls == 0 ? 0 : Math.round(1000 * totalMs / calls) / 1000.0);
                }).toList();
    }

    /**
     * One route and statement shape that repeated within requests, as {@code /api/performance/queries} lists it (the
     * harness compares the N+1 list of two runs exactly, by route and fingerprint).
     *
     * @param requests      requests of the route that showed it
     * @param maxPerRequest most executions of the shape in one of them
     * @param location      where in the service's code the statement came from
     */
    public record SuspectFigures(String route, String fingerprint, long requests, long maxPerRequest,
                                 String location) {
    }

    private List<SuspectFigures> suspects(String kind) {
        return suspects.values().stream().filter(s -> s.kind.equals(kind))
                .sorted(Comparator.comparing((Suspect s) -> s.route).thenComparing(s -> s.fingerprint))
                .map(s -> new SuspectFigures(s.route, s.fingerprint, s.requests.sum(), s.maxPerRequest.get(),
                        Objects.requireNonNullElse(s.location, "unknown")))
                .toList();
    }

    /** Clears every figure (between harness runs). */
    public void reset() {
        if (slow != null) {
            slow.reset();
        }
        fingerprints.clear();
        suspects.clear();
        routes.clear();
    }

    private static String abbreviate(String s) {
        return s.length() <= 160 ? s : s.substring(0, 157) + "...";
    }
}
