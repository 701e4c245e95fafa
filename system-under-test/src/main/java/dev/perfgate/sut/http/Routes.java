package dev.perfgate.sut.http;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.metrics.EndpointStats;
import dev.perfgate.sut.query.StatementStats;
import dev.perfgate.sut.request.RequestContext;

/**
 * Registers endpoints and wraps each one in the same instrumentation: request timing into its route's exact
 * histogram, the per-request statement count ({@code X-Query-Count}), and the mapping of every failure to the
 * contract's JSON error. Endpoints therefore only compute a response or throw. The response is written by
 * {@link ResponseWriter}, a failure turned into its JSON error by {@link ErrorResponses}.
 *
 * <p>Why a wrapper per route rather than Helidon filters: a filter runs before routing and does not know which route
 * matched, and everything here is per route — the route's histogram and slowest requests, the name its statements
 * and N+1 suspects are attributed to, its injected faults, and the 414s and 429s counted under it.
 */
public final class Routes {
    private static final Logger LOG = Logger.getLogger(Routes.class.getName());

    private static final HeaderName REQUEST_ID = HeaderNames.create(RequestIds.HEADER);
    private static final HeaderName API_KEY = HeaderNames.create(RateLimiter.API_KEY_HEADER);
    private static final HeaderName LIMIT = HeaderNames.create("X-RateLimit-Limit");
    private static final HeaderName REMAINING = HeaderNames.create("X-RateLimit-Remaining");

    /** The longest request target (path and query) served; a longer one is answered 414. */
    static final int MAX_TARGET_CHARS = 4096;

    private final HttpRouting.Builder routing;
    private final EndpointStats stats;
    private final StatementStats queries;
    private final ClientConnections connections;
    private final int maxBodyBytes;
    private final ResponseWriter writer;
    private final RateLimiter limiter;
    private final long slowRequestNanos;
    private final List<Registered> registered = new ArrayList<>();
    private final Faults faults;
    private final FaultStatement faultStatement;

    /** Computes a response from a request, or throws. */
    @FunctionalInterface
    public interface Endpoint {
        ApiResponse handle(ApiRequest request) throws Exception;
    }

    /** A registered route: its method, its name ("GET /api/clients/{id}": stats, logs, faults) and its matcher. */
    private record Registered(Method method, String route, PathMatcher matcher) {
    }

    /** Runs the extra SQL statement of a {@code statement@} fault for a request, through the pool that counts statements. */
    @FunctionalInterface
    public interface FaultStatement {
        void run(RequestContext request) throws Exception;
    }

    /**
     * @param connections   the watched connections (a handler running is not a stalled read), or null
     * @param limiter       per-client rate limits, or null for none
     * @param slowRequestMs requests at least this slow are logged at INFO with their request id
     * @param faults        faults injected on purpose (SUT_FAULTS), usually none
     * @param faultStatement the extra statement of a statement fault
     */
    public Routes(HttpRouting.Builder routing, EndpointStats stats, StatementStats queries,
                  ClientConnections connections, int maxBodyBytes,
                  ResponseEncoding encoding, RateLimiter limiter, int slowRequestMs, Faults faults,
                  FaultStatement faultStatement) {
        this.faults = faults;
        this.faultStatement = faultStatement;
        this.routing = routing;
        this.stats = stats;
        this.queries = queries;
        this.connections = connections;
        this.maxBodyBytes = maxBodyBytes;
        this.writer = new ResponseWriter(encoding);
        this.limiter = limiter;
        this.slowRequestNanos = TimeUnit.MILLISECONDS.toNanos(slowRequestMs);
    }

    public Routes get(String pattern, Endpoint endpoint) {
        return add(Method.GET, pattern, endpoint);
    }

    public Routes post(String pattern, Endpoint endpoint) {
        return add(Method.POST, pattern, endpoint);
    }

    public Routes put(String pattern, Endpoint endpoint) {
        return add(Method.PUT, pattern, endpoint);
    }

    public Routes patch(String pattern, Endpoint endpoint) {
        return add(Method.PATCH, pattern, endpoint);
    }

    /**
     * Registers a GET whose response stays open (an event stream): its requests are counted but kept out of the
     * route's latency histogram and the slow-request log, where a connection held for minutes would swamp both.
     */
    public Routes stream(String pattern, Endpoint endpoint) {
        String route = register(Method.GET, pattern);
        routing.route(Method.GET, pattern, instrument(route, null, faulty(route, endpoint)));
        return this;
    }

    private Routes add(Method method, String pattern, Endpoint endpoint) {
        String route = register(method, pattern);
        routing.route(method, pattern, instrument(route, stats.route(method.text(), pattern), faulty(route, endpoint)));
        return this;
    }

    /** Remembers a route (for 405 answers and fault names) and returns its name. */
    private String register(Method method, String pattern) {
        Registered r = new Registered(method, method.text() + " " + pattern, PathMatchers.create(pattern));
        registered.add(r);
        return r.route();
    }

    private Endpoint faulty(String route, Endpoint endpoint) {
        Faults.Fault fault = faults.of(route);
        if (fault == null) {
            return endpoint;
        }
        LOG.warning(() -> "SUT_FAULTS: " + route + " is slowed by " + fault.delayMs() + " ms"
                + (fault.extraStatement() ? " and runs one extra statement" : ""));
        return request -> {
            if (fault.delayMs() > 0) {
                Thread.sleep(fault.delayMs());
            }
            if (fault.extraStatement()) {
                faultStatement.run(request.context());
            }
            return endpoint.handle(request);
        };
    }

    /** Answers everything no route matched: 405 with Allow when the path exists under other methods, else 404. */
    public void fallback() {
        faults.requireKnown(registered.stream().map(Registered::route).collect(java.util.stream.Collectors.toSet()));
        EndpointStats.Route unmatched = stats.route("ANY", "(unmatched)");
        routing.any(instrument("ANY (unmatched)", unmatched, request -> {
            throw unmatched(request);
        }));
    }

    private ApiException unmatched(ApiRequest request) {
        ServerRequest raw = request.raw();
        List<String> allowed = registered.stream()
                .filter(r -> r.matcher().match(raw.prologue().uriPath()).accepted())
                .map(r -> r.method().text()).distinct().toList();
        String what = raw.prologue().method().text() + " " + raw.path().path();
        if (allowed.isEmpty()) {
            return new ApiException(404, "not_found", "no endpoint for " + what, null);
        }
        return new ErrorResponses.MethodNotAllowed(what, allowed);
    }

    private Handler instrument(String name, EndpointStats.Route route, Endpoint endpoint) {
        return (req, res) -> {
            long start = System.nanoTime();
            String requestId = RequestIds.of(req.headers().first(REQUEST_ID).orElse(null));
            res.header(REQUEST_ID, requestId);
            RequestContext context = RequestContext.of(name);
            ClientConnections.Watched connection = connections == null ? null : connections.of(req);
            if (connection != null) {
                connection.phase(ClientConnections.Phase.HANDLER);
            }
            int status = 500;
            ResponseWriter.StreamFailed aborted = null;
            try {
                requireShortTarget(req);
                limit(req, res);
                ApiResponse response = endpoint.handle(new ApiRequest(req, maxBodyBytes, connection, context));
                status = writer.send(req, res, response, start, context, connection);
            } catch (ResponseWriter.StreamFailed e) {
                status = e.status;
                aborted = e;
            } catch (Exception e) {
                status = sendError(req, res, e, requestId, start, context, connection);
            } finally {
                // the writer filed them before the answer left; this files what a streamed body counted while it was
                // written, and those of an answer that was never sent
                context.fileCounts();
                if (connection != null) {
                    connection.phase(ClientConnections.Phase.READING); // Helidon drains any unread body, then reads on
                }
                long nanos = System.nanoTime() - start;
                int statements = context.statements();
                queries.end(context);
                if (route != null) {
                    route.record(status, nanos);
                    route.offerSlowest(requestId, status, nanos);
                    logRequest(requestId, req, status, nanos, statements);
                }
            }
            if (aborted != null) {
                // ends the connection without the last chunk: the client sees a truncated body, not a complete one
                throw new CloseConnectionException("stream of " + name + " failed after it started (request "
                        + requestId + ")", aborted.getCause());
            }
        };
    }

    private void logRequest(String requestId, ServerRequest req, int status, long nanos, int statements) {
        if (nanos >= slowRequestNanos) {
            LOG.info(() -> "slow request " + requestId + ": " + req.prologue().method().text() + " "
                    + req.path().path() + " -> " + status + " in " + nanos / 1_000_000 + " ms, " + statements
                    + " statements");
        } else if (LOG.isLoggable(Level.FINE)) {
            LOG.fine("request " + requestId + ": " + req.prologue().method().text() + " " + req.path().path() + " -> "
                    + status + " in " + nanos / 1_000_000.0 + " ms, " + statements + " statements");
        }
    }

    private static void requireShortTarget(ServerRequest req) {
        int length = req.prologue().uriPath().rawPath().length() + req.prologue().query().rawValue().length();
        if (length > MAX_TARGET_CHARS) {
            throw new ApiException(414, "uri_too_long", "the request target is " + length + " characters long; at most "
                    + MAX_TARGET_CHARS + " are served (send large inputs in a body)", null);
        }
    }

    /** Takes a token from the client's bucket, or refuses the request with 429. */
    private void limit(ServerRequest req, ServerResponse res) {
        if (limiter == null || RateLimiter.exempt(req.path().path())) {
            return;
        }
        RateLimiter.Decision d = limiter.check(req.headers().first(API_KEY).orElse(null), req.remotePeer().host());
        res.header(LIMIT, Long.toString(d.tier().burst()));
        res.header(REMAINING, Long.toString(d.remaining()));
        if (!d.allowed()) {
            throw new ErrorResponses.TooManyRequests(d);
        }
    }

    private int sendError(ServerRequest req, ServerResponse res, Exception e, String requestId, long start,
                          RequestContext context, ClientConnections.Watched connection) {
        ApiException error = ErrorResponses.toApiException(req, e, requestId);
        if (res.isSent()) {
            return error.status(); // nothing more can be said on this response
        }
        try {
            return writer.send(req, res, ErrorResponses.of(error, requestId), start, context, connection);
        } catch (ResponseWriter.StreamFailed impossible) {
            throw new IllegalStateException("an error body is never streamed", impossible);
        }
    }
}
