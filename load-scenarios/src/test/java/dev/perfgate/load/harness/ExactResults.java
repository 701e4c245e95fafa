package dev.perfgate.load.harness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.gatling.http.response.Response;

import dev.perfgate.reports.RequestStats;

/**
 * Exact per-request results of a run, recorded from every response Gatling receives (its own start and end
 * timestamps, so the latency is the one Gatling reports) into an HdrHistogram: percentiles are read from every
 * observation, where Gatling's report estimates them with a t-digest.
 *
 * <p>Also records the response's {@code X-Query-Count}: the SQL statements the service ran for it, a deterministic
 * signal the regression gate compares exactly. A request sent but never answered (timeout, refused connection) is
 * counted through {@link #attempt} and shows as the cause {@code no_response}.
 */
public final class ExactResults {
    private static final ConcurrentHashMap<String, Stats> STATS = new ConcurrentHashMap<>();
    private static final AtomicLong FIRST = new AtomicLong(Long.MAX_VALUE);
    private static final AtomicLong LAST = new AtomicLong(Long.MIN_VALUE);

    private ExactResults() {
    }

    private static final class Stats {
        final org.HdrHistogram.Recorder latency = new org.HdrHistogram.Recorder(3_600_000L, 3);
        final LongAdder attempts = new LongAdder();
        final LongAdder received = new LongAdder();
        final LongAdder ok = new LongAdder();
        final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
        final LongAdder statements = new LongAdder();
        final LongAdder statementResponses = new LongAdder();
        final AtomicLong statementsMax = new AtomicLong(-1);
    }

    private static Stats stats(String name) {
        return STATS.computeIfAbsent(name, n -> new Stats());
    }

    /** Counts a request about to be sent. */
    public static void attempt(String name) {
        stats(name).attempts.increment();
    }

    /** Records a received response: latency, status (expected ones are successes), statements. Returns it unchanged. */
    public static Response record(String name, Response response, java.util.List<Integer> expected) {
        Stats s = stats(name);
        long start = response.startTimestamp();
        long end = response.endTimestamp();
        s.latency.recordValue(Math.max(0, Math.min(3_600_000L, end - start)));
        FIRST.accumulateAndGet(start, Math::min);
        LAST.accumulateAndGet(end, Math::max);
        s.received.increment();
        int status = response.status().code();
        if (expected.contains(status)) {
            s.ok.increment();
        } else {
            s.errors.computeIfAbsent("http_" + status, k -> new LongAdder()).increment();
        }
        String count = response.headers().get("X-Query-Count");
        if (count != null) {
            long n = Long.parseLong(count.strip());
            s.statements.add(n);
            s.statementResponses.increment();
            s.statementsMax.accumulateAndGet(n, Math::max);
        }
        return response;
    }

    /** Clears everything (warm-up traffic is not part of the run). */
    public static void reset() {
        STATS.clear();
        FIRST.set(Long.MAX_VALUE);
        LAST.set(Long.MIN_VALUE);
    }

    /** Returns the wall time between the first request's start and the last response's end, in seconds. */
    public static double spanSeconds() {
        return LAST.get() <= FIRST.get() ? 0 : (LAST.get() - FIRST.get()) / 1000.0;
    }

    /** Returns every request name's results, in name order, with its budget tier. */
    public static List<RequestStats> snapshot(Map<String, String> tiers) {
        double span = Math.max(spanSeconds(), 0.001);
        return STATS.entrySet().stream().sorted(Map.Entry.comparingByKey()).map(e -> {
            Stats s = e.getValue();
            org.HdrHistogram.Histogram h = s.latency.getIntervalHistogram();
            long received = s.received.sum();
            long noResponse = Math.max(0, s.attempts.sum() - received);
            Map<String, Long> errors = new LinkedHashMap<>();
            s.errors.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(x -> errors.put(x.getKey(), x.getValue().sum()));
            if (noResponse > 0) {
                errors.put("no_response", noResponse);
            }
            long ok = s.ok.sum();
            long count = received + noResponse;
            boolean any = h.getTotalCount() > 0;
            long statementResponses = s.statementResponses.sum();
            return new RequestStats(e.getKey(), tiers.getOrDefault(e.getKey(), "unbudgeted"), count, ok, count - ok,
                    errors, any ? h.getMinValue() : 0, pct(h, 50), pct(h, 75), pct(h, 95), pct(h, 99), pct(h, 99.9),
                    any ? h.getMaxValue() : 0, any ? Math.round(h.getMean() * 100) / 100.0 : 0, count / span,
                    statementResponses == 0 ? -1 : Math.round(100.0 * s.statements.sum() / statementResponses) / 100.0,
                    s.statementsMax.get());
        }).toList();
    }

    private static double pct(org.HdrHistogram.Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile);
    }
}
