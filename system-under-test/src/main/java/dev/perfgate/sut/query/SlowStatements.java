package dev.perfgate.sut.query;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

import net.ttddyy.dsproxy.proxy.ParameterSetOperation;

import dev.perfgate.analyzer.Analysis;
import dev.perfgate.analyzer.QueryAnalyzer;

/**
 * The slow-statement log: statements over {@code SUT_QUERY_SLOW_MS} are logged with their fingerprint, route and
 * duration, and analyzed — planned with {@code EXPLAIN (FORMAT JSON)}, judged by the plan rules, and given to the
 * index advisor — off the request path, on a virtual thread that drains a bounded queue, at most
 * {@code SUT_QUERY_EXPLAIN_PER_MINUTE} plans a minute and one per fingerprint per ten minutes. A full queue drops
 * (and counts) rather than slowing the request.
 *
 * <p>The plan is taken with the statement's own values written in. Plain EXPLAIN plans a write without executing
 * it; EXPLAIN ANALYZE runs only for read-only statements and only when {@code SUT_QUERY_EXPLAIN_ANALYZE} allows.
 */
public final class SlowStatements implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SlowStatements.class.getName());
    private static final long REPLAN_AFTER_MS = TimeUnit.MINUTES.toMillis(10);
    private static final int KEEP = 50;

    private final long thresholdMicros;
    private final int plansPerMinute;
    private final BlockingQueue<Slow> queue = new ArrayBlockingQueue<>(200);
    private final Deque<QueryReport.SlowStatement> recent = new ArrayDeque<>();
    private final ConcurrentHashMap<String, Long> lastPlanned = new ConcurrentHashMap<>();
    private final LongAdder seen = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final Deque<Long> planTimes = new ArrayDeque<>();
    private volatile QueryInsights insights;
    private final Thread worker;

    /** One slow execution, as captured on the request thread (cheap: references only). */
    record Slow(String sql, String fingerprint, String route, long micros, List<ParameterSetOperation> params,
                Instant at) {
    }

    public SlowStatements(long thresholdMs, int plansPerMinute) {
        this.thresholdMicros = thresholdMs * 1000;
        this.plansPerMinute = plansPerMinute;
        this.worker = Thread.ofVirtual().name("perfgate-explain").start(this::drain);
    }

    /**
     * Gives the analyzer slow statements are planned, judged and advised with (on an unmonitored connection, so that
     * EXPLAIN is not itself counted and flagged).
     */
    public void analyzeWith(QueryInsights insights) {
        this.insights = insights;
    }

    /** Returns whether a duration is slow enough to log. */
    boolean isSlow(long micros) {
        return micros >= thresholdMicros;
    }

    /** Queues a slow execution; never blocks the request. */
    void offer(Slow slow) {
        seen.increment();
        if (!queue.offer(slow)) {
            dropped.increment();
        }
    }

    private void drain() {
        while (!Thread.currentThread().isInterrupted()) {
            Slow slow;
            try {
                slow = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            LOG.info(() -> String.format("slow statement on %s: %.1f ms: %s", slow.route(), slow.micros() / 1000.0,
                    slow.fingerprint()));
            String sql = RecordedParameters.inline(slow.sql(), slow.params());
            Analysis.PlanSummary plan = null;
            List<Analysis.CandidateTrial> candidates = null;
            String planError = null;
            if (shouldPlan(slow.fingerprint())) {
                try {
                    Analysis.Statement analysis = insights.analyzeSlow(new QueryAnalyzer.Target(slow.fingerprint(),
                            sql, -1, -1, -1));
                    plan = analysis.plan();
                    candidates = analysis.indexCandidates();
                    planError = analysis.error();
                } catch (SQLException | RuntimeException e) {
                    planError = e.getMessage();
                }
            }
            QueryReport.SlowStatement entry = new QueryReport.SlowStatement(slow.at().toString(), slow.route(),
                    slow.fingerprint(), slow.micros() / 1000.0, sql, plan, candidates, planError);
            synchronized (recent) {
                recent.addFirst(entry);
                while (recent.size() > KEEP) {
                    recent.removeLast();
                }
            }
        }
    }

    /** Rate limit and per-fingerprint dedupe: only the worker thread calls this. */
    private boolean shouldPlan(String fingerprint) {
        if (insights == null || plansPerMinute == 0) {
            return false;
        }
        long now = System.currentTimeMillis();
        Long last = lastPlanned.get(fingerprint);
        if (last != null && now - last < REPLAN_AFTER_MS) {
            return false;
        }
        while (!planTimes.isEmpty() && now - planTimes.peekFirst() > 60_000) {
            planTimes.removeFirst();
        }
        if (planTimes.size() >= plansPerMinute) {
            return false;
        }
        planTimes.addLast(now);
        lastPlanned.put(fingerprint, now);
        return true;
    }

    /** Returns the report section: threshold, counts and the most recent slow statements with their plans. */
    public QueryReport.Slow report() {
        synchronized (recent) {
            return new QueryReport.Slow(thresholdMicros / 1000, seen.sum(), dropped.sum(), List.copyOf(recent));
        }
    }

    /** Returns how many slow statements were seen since the last reset. */
    public long seen() {
        return seen.sum();
    }

    /** Returns the most recent slow statements, newest first, without their SQL and plans (the live summary's). */
    public List<QueryReport.SlowStatement> latest(int n) {
        synchronized (recent) {
            return recent.stream().limit(n).map(QueryReport.SlowStatement::summary).toList();
        }
    }

    /** Clears the log (between harness runs); plans already taken are not repeated within ten minutes. */
    public void reset() {
        seen.reset();
        dropped.reset();
        queue.clear();
        synchronized (recent) {
            recent.clear();
        }
    }

    @Override
    public void close() {
        worker.interrupt();
    }
}
