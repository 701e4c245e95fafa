package dev.perfgate.sut.request;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request's state, made by the HTTP layer when the request arrives and handed down to whatever serves it: the
 * route it matched, whether it runs the naive way ({@code X-Perf-Mode: naive}), which cache level answered it
 * ({@code X-Cache}) and the statements it ran ({@code X-Query-Count}, with a tally per statement shape from which the
 * statement statistics flag N+1 loads). Work outside any request (cache warm-up, a refresh ahead of expiry, live
 * snapshots) gets a {@link #background} context of its own, so nothing it does lands on a request.
 *
 * <p>A request is served by one thread at a time (Helidon gives each its own virtual thread and the service does not
 * hand a request's work to another), so the context needs no locking; it is small and allocated once per request.
 * That also makes it the place to count what happens too often for a shared counter's atomic add: the cache's L1
 * hits are {@link #count counted} here with a plain add and {@link #fileCounts filed} when the request answers.
 */
public final class RequestContext {
    private final String route;
    private boolean naive;
    private String cacheOutcome;
    private int statements;
    private Map<String, StatementShape> shapes;
    /** The shared counter this request is counting for (null before its first count) and its count not yet filed. */
    private Counter counting;
    private long counted;

    private RequestContext(String route) {
        this.route = route;
    }

    /** Returns the context of a request that matched the route (e.g. {@code GET /api/clients/{id}}). */
    public static RequestContext of(String route) {
        return new RequestContext(route);
    }

    /** Returns a context for work that belongs to no request, named by what it is (e.g. {@code cache refresh}). */
    public static RequestContext background(String what) {
        return new RequestContext("(" + what + ")");
    }

    /** Returns the route the request matched, or the background work's name in parentheses. */
    public String route() {
        return route;
    }

    /** Returns whether the request is served the naive way (no cache, N+1 loads, per-row updates, offset paging). */
    public boolean naive() {
        return naive;
    }

    /** Sets the perf mode, once the request's {@code X-Perf-Mode} header is read. */
    public void naive(boolean naive) {
        this.naive = naive;
    }

    /** Returns which cache level answered ({@code L1}, {@code L2}, {@code LOAD}, {@code BYPASS}), or null. */
    public String cacheOutcome() {
        return cacheOutcome;
    }

    /**
     * Records which cache level answered; the last read through the cache decides the header. A request that reads
     * many values keeps the same level, so the field is written only when it changes: under G1, storing a reference
     * into an object that has left the young generation (a long request's context, a background job's) runs the
     * card-marking barrier with its memory fence on every store, a cost an L1 hit would pay each time (measured in
     * docs/benchmarks.md, "The L1 hit").
     */
    public void cacheOutcome(String level) {
        if (cacheOutcome != level) {
            cacheOutcome = level;
        }
    }

    /**
     * Counts one event for a shared counter (an L1 hit, for its cache's hit counter): a plain add in the request,
     * which reaches the counter when the request counts for another one or {@link #fileCounts files} its counts. An
     * atomic add on the shared counter for every hit cost about a tenth of the hit in JMH (2.6 of 24 ns, in an
     * ablation of the hit path); this way it is paid once per request and counter, not once per event.
     */
    public void count(Counter counter) {
        if (counter != counting) {
            fileCounts();
            counting = counter;
        }
        counted++;
    }

    /**
     * Adds what the request has counted to the shared counter. Whoever made the context calls it when the work ends,
     * and the HTTP layer before it answers, so that a client that reads the figures after a response finds that
     * response's hits in them; calling it again adds nothing twice.
     */
    public void fileCounts() {
        if (counted != 0) {
            counting.add(counted);
            counted = 0;
        }
    }

    /** A shared counter the request counts for (see {@link #count}), such as one cache's L1 hits. */
    @FunctionalInterface
    public interface Counter {
        void add(long n);
    }

    /** Returns the SQL statements the request has run so far (a batch counts each of its rows). */
    public int statements() {
        return statements;
    }

    /** Adds executed statements. */
    public void addStatements(int n) {
        statements += n;
    }

    /** Returns the tally of one statement shape (its fingerprint) in this request, made on first use. */
    public StatementShape shape(String fingerprint) {
        if (shapes == null) {
            shapes = new HashMap<>(8);
        }
        return shapes.computeIfAbsent(fingerprint, f -> new StatementShape());
    }

    /** Returns every statement shape the request ran with its tally (empty when it ran none). */
    public Map<String, StatementShape> shapes() {
        return shapes == null ? Map.of() : shapes;
    }

    /** How often one statement shape ran in a request, and with which values. */
    public static final class StatementShape {
        /** Executions, a batch counting each of its rows. */
        public int executions;
        /** Executions with values seen before in this request: the same statement sent again. */
        public int identicalRepeats;
        /** Hashes of the bind values seen; bounded by StatementStats (past its threshold only the count matters). */
        public final List<Integer> valueHashes = new ArrayList<>(8);
        /** Where in the service's code the shape was first run repeatedly, once that happened. */
        public String location;
    }
}
