package dev.perfgate.sut.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.ttddyy.dsproxy.proxy.ParameterSetOperation;

/**
 * The slow-statement log: statements over {@code SUT_QUERY_SLOW_MS} are logged with their fingerprint, route and
 * duration, and their plan is captured with {@code EXPLAIN (FORMAT JSON)} — off the request path, on a virtual
 * thread that drains a bounded queue, at most {@code SUT_QUERY_EXPLAIN_PER_MINUTE} plans a minute and one per
 * fingerprint per ten minutes. A full queue drops (and counts) rather than slowing the request.
 *
 * <p>The plan is taken on an unmonitored maintenance connection with the statement's own bind values; plain EXPLAIN
 * plans a write without executing it. Nothing here runs EXPLAIN ANALYZE.
 */
public final class SlowStatements implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SlowStatements.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long REPLAN_AFTER_MS = TimeUnit.MINUTES.toMillis(10);
    private static final int KEEP = 50;

    private final long thresholdMicros;
    private final int plansPerMinute;
    private final BlockingQueue<Slow> queue = new ArrayBlockingQueue<>(200);
    private final Deque<Map<String, Object>> recent = new ArrayDeque<>();
    private final ConcurrentHashMap<String, Long> lastPlanned = new ConcurrentHashMap<>();
    private final LongAdder seen = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final Deque<Long> planTimes = new ArrayDeque<>();
    private volatile DataSource explainer;
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

    /** Gives the connection plans are taken on (unmonitored, so EXPLAIN is not itself counted and flagged). */
    public void explainOn(DataSource maintenance) {
        this.explainer = maintenance;
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
            JsonNode plan = null;
            String planError = null;
            if (shouldPlan(slow.fingerprint())) {
                try {
                    plan = explain(slow);
                } catch (SQLException | RuntimeException e) {
                    planError = e.getMessage();
                }
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("at", slow.at().toString());
            entry.put("route", slow.route());
            entry.put("fingerprint", slow.fingerprint());
            entry.put("durationMs", slow.micros() / 1000.0);
            if (plan != null) {
                entry.put("totalCost", plan.path(0).path("Plan").path("Total Cost").asDouble());
                entry.put("plan", plan);
            }
            if (planError != null) {
                entry.put("planError", planError);
            }
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
        if (explainer == null) {
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

    private JsonNode explain(Slow slow) throws SQLException {
        String head = slow.sql().stripLeading().toLowerCase(Locale.ROOT);
        if (!(head.startsWith("select") || head.startsWith("with") || head.startsWith("insert")
                || head.startsWith("update") || head.startsWith("delete"))) {
            throw new SQLException("not a plannable statement");
        }
        try (Connection c = explainer.getConnection();
             PreparedStatement ps = c.prepareStatement("EXPLAIN (FORMAT JSON) " + slow.sql())) {
            for (ParameterSetOperation op : slow.params()) {
                Object[] args = op.getArgs();
                if (ParameterSetOperation.isSetNullParameterOperation(op)) {
                    ps.setNull((Integer) args[0], (Integer) args[1]);
                } else {
                    ps.setObject((Integer) args[0], args[1]);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return MAPPER.readTree(rs.getString(1));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SQLException("unreadable plan: " + e.getOriginalMessage(), e);
            }
        }
    }

    /** Returns the report section: threshold, counts and the most recent slow statements with their plans. */
    public Map<String, Object> report() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("thresholdMs", thresholdMicros / 1000);
        m.put("seen", seen.sum());
        m.put("dropped", dropped.sum());
        synchronized (recent) {
            m.put("recent", new ArrayList<>(recent));
        }
        return m;
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
