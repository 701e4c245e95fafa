package dev.perfgate.harness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.gatling.http.response.Response;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import dev.perfgate.reports.Quantiles;
import dev.perfgate.reports.RequestStats;

/**
 * Exact per-request results of a run, recorded from every response Gatling receives (its own start and end
 * timestamps, so the latency is the one Gatling reports): every answer is kept as a sample, and HdrHistograms are
 * built from the samples at the end, so percentiles are read from every observation, where Gatling's report
 * estimates them with a t-digest.
 *
 * <p>Samples are kept (about 40 bytes each) rather than recorded straight into histograms because which of them
 * count is only known at the end: an answer that was in flight while the load generator itself stalled
 * ({@link InjectorHealth}) is excluded, and a capacity run judges the samples of each level's window.
 *
 * <p>Also records the response's {@code X-Query-Count} (the SQL statements the service ran: a deterministic signal
 * the gate compares exactly) and {@code Server-Timing} (the service's own time, microseconds) when the service sends
 * them. A request sent but never answered (timeout, refused connection) is counted through {@link #attempt} and
 * shows as the cause {@code no_response}.
 */
public final class ExactResults {
    static final long HIGHEST_MS = 3_600_000L;
    static final long HIGHEST_MICROS = HIGHEST_MS * 1000;
    private static final ConcurrentHashMap<String, Samples> RUN = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Long, ConcurrentHashMap<String, LongAdder>> ATTEMPTS_BY_SECOND =
            new ConcurrentHashMap<>();
    private static final AtomicLong FIRST = new AtomicLong(Long.MAX_VALUE);
    private static final AtomicLong LAST = new AtomicLong(Long.MIN_VALUE);

    private ExactResults() {
    }

    /** One request name's answers, in parallel primitive arrays (appended by a few Gatling threads at once). */
    private static final class Samples {
        final LongAdder attempts = new LongAdder();
        long[] start = new long[1024];
        int[] latencyMs = new int[1024];
        int[] serverMicros = new int[1024]; // -1: no Server-Timing
        short[] status = new short[1024];
        boolean[] ok = new boolean[1024];
        int[] statements = new int[1024]; // -1: no X-Query-Count
        int size;

        synchronized void add(long startMs, long latency, long server, int code, boolean expected, int queries) {
            if (size == start.length) {
                int n = size * 2;
                start = Arrays.copyOf(start, n);
                latencyMs = Arrays.copyOf(latencyMs, n);
                serverMicros = Arrays.copyOf(serverMicros, n);
                status = Arrays.copyOf(status, n);
                ok = Arrays.copyOf(ok, n);
                statements = Arrays.copyOf(statements, n);
            }
            start[size] = startMs;
            latencyMs[size] = (int) Math.max(0, Math.min(HIGHEST_MS, latency));
            serverMicros[size] = (int) Math.min(Integer.MAX_VALUE, server);
            status[size] = (short) code;
            ok[size] = expected;
            statements[size] = queries;
            size++;
        }

        /** Returns how many answers were recorded (each sample is one). */
        synchronized int received() {
            return size;
        }

        /** Returns the stats of the samples that started in [from, to) epoch ms, stalled ones excluded. */
        synchronized AnswerSummary summarize(long from, long to, Stalls stalls) {
            AnswerSummary s = new AnswerSummary();
            for (int i = 0; i < size; i++) {
                if (start[i] >= from && start[i] < to) {
                    judge(i, stalls, s);
                }
            }
            return s;
        }

        /**
         * Writes the samples that started at or after {@code from} to the log as one interval histogram per kind and
         * whole second ({@link InjectorShare#tags}), and returns their counts (attempts not yet counted).
         */
        synchronized AnswerSummary writeIntervals(long from, Stalls stalls, int index, HistogramLogWriter log) {
            if (size >= 1 << 24) {
                throw new IllegalStateException("more than 16.7 million answers to one request name in one injector");
            }
            long[] keys = new long[size]; // start relative to 'from' in the high bits, the sample's index in the low 24
            int n = 0;
            for (int i = 0; i < size; i++) {
                if (start[i] >= from) {
                    keys[n++] = ((start[i] - from) << 24) | i;
                }
            }
            Arrays.sort(keys, 0, n);
            AnswerSummary total = new AnswerSummary();
            AnswerSummary second = new AnswerSummary();
            long current = Long.MIN_VALUE;
            for (int k = 0; k < n; k++) {
                int i = (int) (keys[k] & 0xFFFFFF);
                long sec = Math.floorDiv(start[i], 1000);
                if (sec != current) {
                    flush(second, current, index, log, total);
                    current = sec;
                }
                judge(i, stalls, second);
            }
            flush(second, current, index, log, total);
            return total;
        }

        private static void flush(AnswerSummary second, long sec, int index, HistogramLogWriter log,
                                  AnswerSummary total) {
            if (sec == Long.MIN_VALUE) {
                return;
            }
            String[] tags = InjectorShare.tags(index);
            Histogram[] kinds = {second.latency, second.server, second.gapMicros};
            for (int k = 0; k < kinds.length; k++) {
                if (kinds[k].getTotalCount() > 0) {
                    kinds[k].setTag(tags[k]);
                    log.outputIntervalHistogram(sec, sec + 1, kinds[k], k == 0 ? 1.0 : 1000.0);
                }
            }
            total.addCounts(second);
            second.clear();
        }

        /** Adds sample i to the summary: counted always, timed unless the load generator stalled while it was out. */
        private void judge(int i, Stalls stalls, AnswerSummary s) {
            s.received++;
            if (ok[i]) {
                s.ok++;
            } else {
                s.errors.merge("http_" + status[i], 1L, Long::sum);
            }
            if (statements[i] >= 0) {
                s.statements += statements[i];
                s.statementResponses++;
                s.statementsMax = Math.max(s.statementsMax, statements[i]);
            }
            if (stalls.overlaps(start[i], start[i] + latencyMs[i])) {
                s.stalled++;
                return;
            }
            s.latency.recordValue(latencyMs[i]);
            if (serverMicros[i] >= 0) {
                long server = Math.min(HIGHEST_MICROS, serverMicros[i]);
                s.server.recordValue(server);
                s.gapMicros.recordValue(Math.max(0, Math.min(HIGHEST_MICROS, latencyMs[i] * 1000L - server)));
            }
        }
    }

    /** The stall windows of the load generator, for excluding the answers that were in flight during one. */
    public record Stalls(long[] starts, long[] ends) {
        /** Returns the stalls as sorted windows. */
        public static Stalls of(List<long[]> windows) {
            List<long[]> sorted = new ArrayList<>(windows);
            sorted.sort((a, b) -> Long.compare(a[0], b[0]));
            return new Stalls(sorted.stream().mapToLong(w -> w[0]).toArray(), sorted.stream().mapToLong(w -> w[1]).toArray());
        }

        /** Returns whether [from, to] intersects a stall. */
        boolean overlaps(long from, long to) {
            int i = Arrays.binarySearch(starts, to);
            int last = i >= 0 ? i : -i - 2; // the last stall starting at or before 'to'
            for (int k = last; k >= 0 && k > last - 4; k--) { // stalls do not nest; a few back is plenty
                if (ends[k] >= from) {
                    return true;
                }
            }
            return false;
        }
    }

    private static Samples samples(String name) {
        return RUN.computeIfAbsent(name, n -> new Samples());
    }

    /** Counts a request about to be sent. */
    public static void attempt(String name) {
        attempt(name, System.currentTimeMillis());
    }

    /** Counts a request about to be sent at epoch millisecond {@code nowMillis}. */
    static void attempt(String name, long nowMillis) {
        samples(name).attempts.increment();
        ATTEMPTS_BY_SECOND.computeIfAbsent(nowMillis / 1000, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(name, n -> new LongAdder()).increment();
    }

    /** Records a received response: latency, status (expected ones are successes), statements, server time. */
    public static Response record(String name, Response response, java.util.function.IntPredicate expected) {
        long start = response.startTimestamp();
        long end = response.endTimestamp();
        int status = response.status().code();
        record(name, start, end, status, expected.test(status), serverMicros(response.headers().get("Server-Timing")),
                queries(response.headers().get("X-Query-Count")));
        return response;
    }

    /** Records an answer that started and ended at these epoch milliseconds. */
    static void record(String name, long start, long end, int status, boolean expected, long serverMicros,
            int statements) {
        FIRST.accumulateAndGet(start, Math::min);
        LAST.accumulateAndGet(end, Math::max);
        samples(name).add(start, end - start, serverMicros, status, expected, statements);
    }

    /** Returns an X-Query-Count header's number, or -1 when absent or not a number (any service may send anything). */
    private static int queries(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Math.max(-1, Integer.parseInt(header.strip()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Returns the duration of a {@code Server-Timing} header in microseconds: the metric named {@code total} when
     * there is one, else the first with a {@code dur}; -1 without a usable one (any service may send any metrics).
     */
    static long serverMicros(String header) {
        if (header == null) {
            return -1;
        }
        double first = -1;
        for (String metric : header.split(",")) {
            String[] parts = metric.split(";");
            for (String param : parts) {
                String p = param.strip();
                if (p.regionMatches(true, 0, "dur=", 0, 4)) {
                    try {
                        double ms = Double.parseDouble(p.substring(4).replace("\"", ""));
                        if (parts[0].strip().equalsIgnoreCase("total")) {
                            return Math.round(ms * 1000);
                        }
                        first = first < 0 ? ms : first;
                    } catch (NumberFormatException e) {
                        // a malformed metric is ignored, as browsers do
                    }
                }
            }
        }
        return first < 0 ? -1 : Math.round(first * 1000);
    }

    /** Clears everything (warm-up traffic is not part of the run). */
    public static void reset() {
        RUN.clear();
        ATTEMPTS_BY_SECOND.clear();
        FIRST.set(Long.MAX_VALUE);
        LAST.set(Long.MIN_VALUE);
    }

    /** Returns the epoch millisecond the first recorded request started, or -1 before any. */
    public static long firstRequestMillis() {
        return FIRST.get() == Long.MAX_VALUE ? -1 : FIRST.get();
    }

    /** Returns the epoch millisecond the last recorded response ended, or -1 before any. */
    public static long lastResponseMillis() {
        return LAST.get() == Long.MIN_VALUE ? -1 : LAST.get();
    }

    /** Returns the wall time between the first request's start and the last response's end, in seconds. */
    public static double spanSeconds() {
        return LAST.get() <= FIRST.get() ? 0 : (LAST.get() - FIRST.get()) / 1000.0;
    }

    /** Returns every request name's results over the whole run, in name order, stalled answers excluded. */
    public static List<RequestStats> snapshot(Map<String, String> tiers, Stalls stalls) {
        return snapshot(tiers, stalls, 0);
    }

    /**
     * The same without the warm-up: requests sent in the first {@code warmUpMillis} of the load are not judged (a
     * cold JIT, empty caches and pools), and throughput is counted over the rest of the run.
     */
    public static List<RequestStats> snapshot(Map<String, String> tiers, Stalls stalls, long warmUpMillis) {
        long from = warmUpMillis <= 0 || FIRST.get() == Long.MAX_VALUE ? Long.MIN_VALUE : FIRST.get() + warmUpMillis;
        double span = from == Long.MIN_VALUE ? spanSeconds() : Math.max(0, LAST.get() - from) / 1000.0;
        return new TreeMap<>(RUN).entrySet().stream().map(e -> {
            Samples samples = e.getValue();
            AnswerSummary s = samples.summarize(from, Long.MAX_VALUE, stalls);
            // requests never answered have no start time of their own: all of them count, warm-up or not
            s.attempts = s.received + Math.max(0, samples.attempts.sum() - samples.received());
            return s.toStats(e.getKey(), tier(tiers, e.getKey()), span);
        }).toList();
    }

    /**
     * Writes this JVM's share of the run for a merge ({@link InjectorShare}): every request name's judged answers —
     * sent from {@code warmUpMillis} after the first request on, stalled ones excluded, exactly those
     * {@link #snapshot} judges — to the HdrHistogram interval log, and returns their counts in name order (a count's
     * position is the index in its histograms' tags).
     */
    static List<InjectorShare.Counts> writeShare(HistogramLogWriter log, Stalls stalls, long warmUpMillis) {
        long from = judgedFromMillis(warmUpMillis);
        List<InjectorShare.Counts> out = new ArrayList<>();
        int index = 0;
        for (Map.Entry<String, Samples> e : new TreeMap<>(RUN).entrySet()) {
            Samples samples = e.getValue();
            AnswerSummary s = samples.writeIntervals(from, stalls, index++, log);
            s.attempts = s.received + Math.max(0, samples.attempts.sum() - samples.received());
            out.add(s.counts(e.getKey()));
        }
        return out;
    }

    /** Returns the epoch millisecond from which requests are judged (the first one's plus the warm-up), or -1. */
    static long judgedFromMillis(long warmUpMillis) {
        return FIRST.get() == Long.MAX_VALUE ? -1 : FIRST.get() + Math.max(0, warmUpMillis);
    }

    /** Returns the results of the requests sent in whole seconds [from, to) (epoch ms). */
    public static List<RequestStats> window(long fromMillis, long toMillis, Map<String, String> tiers, Stalls stalls) {
        long first = fromMillis / 1000;
        long last = toMillis / 1000;
        List<RequestStats> out = new ArrayList<>();
        for (Map.Entry<String, Samples> e : new TreeMap<>(RUN).entrySet()) {
            Samples samples = e.getValue();
            AnswerSummary s = samples.summarize(first * 1000, last * 1000, stalls);
            long sent = 0;
            for (long second = first; second < last; second++) {
                Map<String, LongAdder> bucket = ATTEMPTS_BY_SECOND.get(second);
                LongAdder a = bucket == null ? null : bucket.get(e.getKey());
                sent += a == null ? 0 : a.sum();
            }
            // Attempts are counted by the signing hook as Gatling sends the request, answers by the start Gatling
            // stamps on the response (before it connects): a request whose two instants fall on either side of a
            // window's edge makes one window look one answer short. A window cannot hold more unanswered requests
            // than the whole run has, so that edge never shows as a no_response in a run where every request was
            // answered.
            long unansweredInRun = Math.max(0, samples.attempts.sum() - samples.received());
            s.attempts = s.received + Math.min(Math.max(0, sent - s.received), unansweredInRun);
            if (s.received > 0 || s.attempts > 0) {
                out.add(s.toStats(e.getKey(), tier(tiers, e.getKey()), last - first));
            }
        }
        return out;
    }

    private static String tier(Map<String, String> tiers, String name) {
        return tiers.getOrDefault(name, "unbudgeted");
    }
}
