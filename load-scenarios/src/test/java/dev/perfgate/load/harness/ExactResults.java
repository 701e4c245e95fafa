package dev.perfgate.load.harness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.gatling.http.response.Response;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import dev.perfgate.reports.RequestStats;

/**
 * Exact per-request results of a run, recorded from every response Gatling receives (its own start and end
 * timestamps, so the latency is the one Gatling reports) into HdrHistogram recorders: percentiles are read from every
 * observation, where Gatling's report estimates them with a t-digest.
 *
 * <p>Also records the response's {@code X-Query-Count}: the SQL statements the service ran for it, a deterministic
 * signal the regression gate compares exactly. A request sent but never answered (timeout, refused connection) is
 * counted through {@link #attempt} and shows as the cause {@code no_response}. Observations are kept for the whole
 * run and, bucketed by the second their response ended, for the per-level windows of a capacity run.
 */
public final class ExactResults {
    private static final long HIGHEST_MS = 3_600_000L;
    private static final ConcurrentHashMap<String, Live> RUN = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Long, ConcurrentHashMap<String, Live>> BY_SECOND = new ConcurrentHashMap<>();
    private static final AtomicLong FIRST = new AtomicLong(Long.MAX_VALUE);
    private static final AtomicLong LAST = new AtomicLong(Long.MIN_VALUE);

    private ExactResults() {
    }

    /** Counters that many Gatling threads write at once: wait-free recorder and adders. */
    private static final class Live {
        final Recorder latency = new Recorder(HIGHEST_MS, 3);
        final LongAdder attempts = new LongAdder();
        final LongAdder received = new LongAdder();
        final LongAdder ok = new LongAdder();
        final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
        final LongAdder statements = new LongAdder();
        final LongAdder statementResponses = new LongAdder();
        final AtomicLong statementsMax = new AtomicLong(-1);

        void record(Response response, List<Integer> expected, long latencyMs) {
            latency.recordValue(Math.max(0, Math.min(HIGHEST_MS, latencyMs)));
            received.increment();
            int status = response.status().code();
            if (expected.contains(status)) {
                ok.increment();
            } else {
                errors.computeIfAbsent("http_" + status, k -> new LongAdder()).increment();
            }
            String count = response.headers().get("X-Query-Count");
            if (count != null) {
                long n = Long.parseLong(count.strip());
                statements.add(n);
                statementResponses.increment();
                statementsMax.accumulateAndGet(n, Math::max);
            }
        }

        /** Drains the recorder into totals that can be added to others. */
        Totals drain() {
            Totals t = new Totals();
            t.latency.add(latency.getIntervalHistogram());
            t.attempts = attempts.sum();
            t.received = received.sum();
            t.ok = ok.sum();
            errors.forEach((k, v) -> t.errors.merge(k, v.sum(), Long::sum));
            t.statements = statements.sum();
            t.statementResponses = statementResponses.sum();
            t.statementsMax = statementsMax.get();
            return t;
        }
    }

    /** Read-side totals: addable, so seconds can be merged into a window. */
    private static final class Totals {
        final Histogram latency = new Histogram(HIGHEST_MS, 3);
        long attempts;
        long received;
        long ok;
        final Map<String, Long> errors = new TreeMap<>();
        long statements;
        long statementResponses;
        long statementsMax = -1;

        Totals add(Totals o) {
            latency.add(o.latency);
            attempts += o.attempts;
            received += o.received;
            ok += o.ok;
            o.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
            statements += o.statements;
            statementResponses += o.statementResponses;
            statementsMax = Math.max(statementsMax, o.statementsMax);
            return this;
        }

        RequestStats toStats(String name, String tier, double seconds) {
            long noResponse = Math.max(0, attempts - received);
            Map<String, Long> causes = new LinkedHashMap<>(errors);
            if (noResponse > 0) {
                causes.put("no_response", noResponse);
            }
            long count = received + noResponse;
            Histogram h = latency;
            boolean any = h.getTotalCount() > 0;
            return new RequestStats(name, tier, count, ok, count - ok, causes, any ? h.getMinValue() : 0, pct(50),
                    pct(75), pct(95), pct(99), pct(99.9), any ? h.getMaxValue() : 0,
                    any ? Math.round(h.getMean() * 100) / 100.0 : 0, count / Math.max(seconds, 0.001),
                    statementResponses == 0 ? -1 : Math.round(100.0 * statements / statementResponses) / 100.0,
                    statementsMax);
        }

        private double pct(double percentile) {
            return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile);
        }
    }

    private static Live live(Map<String, Live> map, String name) {
        return map.computeIfAbsent(name, n -> new Live());
    }

    /** Counts a request about to be sent. */
    public static void attempt(String name) {
        live(RUN, name).attempts.increment();
        live(BY_SECOND.computeIfAbsent(System.currentTimeMillis() / 1000, k -> new ConcurrentHashMap<>()), name)
                .attempts.increment();
    }

    /** Records a received response: latency, status (expected ones are successes), statements. Returns it unchanged. */
    public static Response record(String name, Response response, List<Integer> expected) {
        long start = response.startTimestamp();
        long end = response.endTimestamp();
        FIRST.accumulateAndGet(start, Math::min);
        LAST.accumulateAndGet(end, Math::max);
        live(RUN, name).record(response, expected, end - start);
        // bucketed by the second the request was sent, like its attempt, so a window pairs attempts and answers
        live(BY_SECOND.computeIfAbsent(start / 1000, k -> new ConcurrentHashMap<>()), name)
                .record(response, expected, end - start);
        return response;
    }

    /** Clears everything (warm-up traffic is not part of the run). */
    public static void reset() {
        RUN.clear();
        BY_SECOND.clear();
        FIRST.set(Long.MAX_VALUE);
        LAST.set(Long.MIN_VALUE);
    }

    /** Returns the epoch millisecond the first recorded request started, or -1 before any. */
    public static long firstRequestMillis() {
        return FIRST.get() == Long.MAX_VALUE ? -1 : FIRST.get();
    }

    /** Returns the wall time between the first request's start and the last response's end, in seconds. */
    public static double spanSeconds() {
        return LAST.get() <= FIRST.get() ? 0 : (LAST.get() - FIRST.get()) / 1000.0;
    }

    /** Returns every request name's results over the whole run, in name order, with its budget tier. */
    public static List<RequestStats> snapshot(Map<String, String> tiers) {
        double span = spanSeconds();
        return new TreeMap<>(RUN).entrySet().stream()
                .map(e -> e.getValue().drain().toStats(e.getKey(), tier(tiers, e.getKey()), span)).toList();
    }

    /** Returns the results of the requests sent in whole seconds [from, to) (epoch ms); each second is read once. */
    public static List<RequestStats> window(long fromMillis, long toMillis, Map<String, String> tiers) {
        Map<String, Totals> merged = new TreeMap<>();
        long first = fromMillis / 1000;
        long last = toMillis / 1000;
        for (long second = first; second < last; second++) {
            Map<String, Live> bucket = BY_SECOND.remove(second);
            if (bucket != null) {
                bucket.forEach((name, l) -> merged.merge(name, l.drain(), Totals::add));
            }
        }
        return merged.entrySet().stream()
                .map(e -> e.getValue().toStats(e.getKey(), tier(tiers, e.getKey()), last - first)).toList();
    }

    private static String tier(Map<String, String> tiers, String name) {
        return tiers.getOrDefault(name, "unbudgeted");
    }
}
