package dev.perfgate.sut.http;

import java.io.OutputStream;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.contract.Json;
import dev.perfgate.sut.db.ConnectionGuard;
import dev.perfgate.sut.metrics.EndpointStats;
import dev.perfgate.sut.query.QueryMonitor;
import dev.perfgate.sut.request.RequestContext;

/**
 * Registers endpoints and wraps each one in the same instrumentation: request timing into its route's exact
 * histogram, the per-request statement count ({@code X-Query-Count}), and the mapping of every failure to the
 * contract's JSON error. Endpoints therefore only compute a response or throw.
 */
public final class Routes {
    private static final Logger LOG = Logger.getLogger(Routes.class.getName());
    private static final String QUERY_COUNT = "X-Query-Count";
    /** The service's own time for a request, microsecond resolution (RFC: W3C Server Timing). */
    private static final HeaderName SERVER_TIMING = HeaderNames.create("Server-Timing");
    private static final HeaderName CACHE = HeaderNames.create("X-Cache");

    private static final HeaderName REQUEST_ID = HeaderNames.create(RequestIds.HEADER);
    private static final HeaderName API_KEY = HeaderNames.create(RateLimiter.API_KEY_HEADER);
    private static final HeaderName LIMIT = HeaderNames.create("X-RateLimit-Limit");
    private static final HeaderName REMAINING = HeaderNames.create("X-RateLimit-Remaining");

    /** The longest request target (path and query) served; a longer one is answered 414. */
    static final int MAX_TARGET_CHARS = 4096;

    private final HttpRouting.Builder routing;
    private final EndpointStats stats;
    private final QueryMonitor queries;
    private final ClientConnections connections;
    private final int maxBodyBytes;
    private final ResponseEncoding encoding;
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

    /** Runs the extra SQL statement of a {@code statement@} fault for a request, through the monitored pool. */
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
    public Routes(HttpRouting.Builder routing, EndpointStats stats, QueryMonitor queries,
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
        this.encoding = encoding;
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
        return new MethodNotAllowed(what, allowed);
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
            StreamFailed aborted = null;
            try {
                requireShortTarget(req);
                limit(req, res);
                status = send(req, res, endpoint.handle(new ApiRequest(req, maxBodyBytes, connection, context)),
                        start, context, connection);
            } catch (StreamFailed e) {
                status = e.status;
                aborted = e;
            } catch (Exception e) {
                status = sendError(req, res, e, requestId, start, context, connection);
            } finally {
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
            throw new TooManyRequests(d);
        }
    }

    private int send(ServerRequest req, ServerResponse res, ApiResponse response, long start, RequestContext context,
                     ClientConnections.Watched connection) throws StreamFailed {
        response.headers().forEach(res::header);
        res.header(QUERY_COUNT, Integer.toString(context.statements()));
        if (context.cacheOutcome() != null) {
            res.header(CACHE, context.cacheOutcome());
        }
        boolean get = req.prologue().method() == Method.GET;
        if (!response.headers().containsKey("Cache-Control")) {
            // data changes at any time and belongs to one organization: caches may keep it but must revalidate
            // (the ETag makes that a cheap 304); errors and everything not a plain GET result are never stored
            res.header(HeaderNames.CACHE_CONTROL, response.status() == 200 && get ? "private, no-cache" : "no-store");
        }
        if (response.body() instanceof ApiResponse.Streamed streamed) {
            return stream(req, res, response.status(), streamed, connection);
        }
        String contentType;
        byte[] body;
        if (response.body() instanceof ApiResponse.Raw raw) {
            contentType = raw.contentType();
            body = raw.bytes();
        } else {
            contentType = "application/json";
            body = Json.bytes(response.body());
        }
        SecurityHeaders.apply(contentType, res::header);
        ResponseEncoding.Coding coding = null;
        if (negotiable(contentType)) {
            res.header(HeaderNames.VARY, "Accept-Encoding");
            coding = encoding.chooseFor(req.headers().value(HeaderNames.ACCEPT_ENCODING).orElse(null), contentType,
                    body.length);
        }
        if (response.status() == 200 && get && !(response.body() instanceof ApiResponse.Raw)) {
            // conditional GET: the tag is a hash of the exact bytes, so it changes exactly when the answer does;
            // each coding is its own representation, so its tag carries the coding (RFC 9110 §8.8.3)
            String etag = ETags.of(body, coding == null ? null : coding.token());
            res.header(HeaderNames.ETAG, etag);
            if (ETags.matches(req.headers().value(HeaderNames.IF_NONE_MATCH).orElse(null), etag)) {
                res.status(304);
                serverTiming(res, start);
                res.send();
                return 304;
            }
        }
        res.status(response.status());
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        if (coding != null) {
            res.header(HeaderNames.CONTENT_ENCODING, coding.token());
            body = ResponseEncoding.encode(coding, body);
        }
        serverTiming(res, start);
        if (connection == null) {
            res.send(body);
        } else {
            connection.writeStarted(); // a client that does not read cannot hold this thread past the write timeout
            try {
                res.send(body);
            } finally {
                connection.writeEnded();
            }
        }
        return response.status();
    }

    /**
     * Sets {@code Server-Timing: app;dur=<ms>} with microsecond resolution: the time from the request reaching its
     * route to the response being ready to send, so a load generator can tell the service's time from its own and
     * resolve an L1 cache hit that its millisecond clock reads as 0 or 1 ms.
     */
    private static void serverTiming(ServerResponse res, long startNanos) {
        long micros = (System.nanoTime() - startNanos) / 1000;
        res.header(SERVER_TIMING, "app;dur=" + micros / 1000 + "." + (char) ('0' + micros / 100 % 10)
                + (char) ('0' + micros / 10 % 10) + (char) ('0' + micros % 10));
    }

    private boolean negotiable(String contentType) {
        return !encoding.offered().isEmpty() && ResponseEncoding.compressible(contentType);
    }

    /** Sends a body as it is written, compressed on the fly when the client accepts a coding. */
    private int stream(ServerRequest req, ServerResponse res, int status, ApiResponse.Streamed streamed,
                       ClientConnections.Watched connection) throws StreamFailed {
        SecurityHeaders.apply(streamed.contentType(), res::header);
        ResponseEncoding.Coding coding = null;
        if (negotiable(streamed.contentType())) {
            res.header(HeaderNames.VARY, "Accept-Encoding");
            coding = encoding.choose(req.headers().value(HeaderNames.ACCEPT_ENCODING).orElse(null));
        }
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, streamed.contentType());
        if (coding != null) {
            res.header(HeaderNames.CONTENT_ENCODING, coding.token());
        }
        // not try-with-resources: closing the response's stream ends the body properly, which must not happen
        // after a failure; the connection is closed instead (see instrument)
        try {
            OutputStream raw = connection == null ? res.outputStream() : connection.watch(res.outputStream());
            OutputStream out = coding == null ? raw : ResponseEncoding.stream(coding, raw);
            streamed.writer().write(out);
            out.close();
        } catch (Exception e) {
            // a client that went away is a normal end of a stream; anything else is worth a line in the log
            boolean gone = e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException
                    || e instanceof ServerConnectionException;
            if (!gone) {
                LOG.log(Level.WARNING, "stream " + req.path().path() + " failed after it started", e);
            }
            throw new StreamFailed(gone ? 499 : 500, e);
        }
        return status;
    }

    private int sendError(ServerRequest req, ServerResponse res, Exception e, String requestId, long start,
                          RequestContext context, ClientConnections.Watched connection) {
        ApiException error = toApiException(req, e, requestId);
        if (res.isSent()) {
            return error.status(); // nothing more can be said on this response
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.code());
        body.put("message", error.getMessage());
        if (error.field() != null) {
            body.put("field", error.field());
        }
        body.put("requestId", requestId);
        Map<String, String> headers = new LinkedHashMap<>();
        if (error.status() == 503) {
            headers.put("Retry-After", "1");
        }
        if (error instanceof TooManyRequests limited) {
            headers.put("Retry-After", Long.toString(limited.decision.retryAfterSeconds()));
        }
        if (error instanceof MethodNotAllowed m) {
            headers.put("Allow", String.join(", ", m.allowed));
        }
        if (error.status() == 401) {
            headers.put("WWW-Authenticate", error.code().equals("unknown_api_key")
                    ? "ApiKey header=\"" + RateLimiter.API_KEY_HEADER + "\"" : "Bearer");
        }
        try {
            return send(req, res, new ApiResponse(error.status(), body, headers), start, context, connection);
        } catch (StreamFailed impossible) {
            throw new IllegalStateException("an error body is never streamed", impossible);
        }
    }

    private static ApiException toApiException(ServerRequest req, Exception e, String requestId) {
        if (e instanceof ApiException api) {
            return api;
        }
        // a database failure may arrive wrapped (a cache loader, a stream writer): its SQL state still decides
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof SQLException sql) {
                ApiException mapped = fromSql(sql);
                if (mapped != null) {
                    return mapped;
                }
            }
        }
        if (e instanceof io.helidon.http.RequestException re && re.status().code() < 500) {
            return new ApiException(re.status().code(), "bad_request", re.getMessage(), null);
        }
        LOG.log(Level.SEVERE, "unexpected failure in request " + requestId + ": " + req.prologue().method().text() + " "
                + req.path().path(), e);
        return new ApiException(500, "internal_error", "unexpected server error: " + e.getClass().getSimpleName(), null);
    }

    /**
     * Maps database failures a client can act on: pool exhaustion, timeouts and lost connections are 503 (retry
     * later), constraint violations a validated request can still hit (a race on a unique key) are 409.
     */
    static ApiException fromSql(SQLException e) {
        if (e instanceof SQLTransientConnectionException || ConnectionGuard.isConnectionFailure(e)) {
            return new ApiException(503, "database_unavailable", "no database connection available: " + e.getMessage(),
                    null);
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("57014")) {
            return new ApiException(503, "timeout", "the query took longer than SUT_DB_STATEMENT_TIMEOUT_MS", null);
        }
        if (state.equals("23505")) {
            return ApiException.conflict(null, "the change conflicts with stored data: " + e.getMessage());
        }
        if (state.equals("40001") || state.equals("40P01")) {
            return new ApiException(409, "conflict", "concurrent update; retry the request", null);
        }
        return null;
    }

    /** 429, carrying the limiter's decision for Retry-After. */
    private static final class TooManyRequests extends ApiException {
        private final RateLimiter.Decision decision;

        TooManyRequests(RateLimiter.Decision decision) {
            super(429, "rate_limited", "too many requests for tier " + decision.tier().name() + " ("
                    + decision.tier().burst() + " at once, " + decision.tier().perSecond()
                    + " per second); retry in " + decision.retryAfterSeconds() + " s", null);
            this.decision = decision;
        }
    }

    /** A streamed body that failed after it started; status 499 when the client went away. */
    private static final class StreamFailed extends Exception {
        private final int status;

        StreamFailed(int status, Exception cause) {
            super(cause);
            this.status = status;
        }
    }

    /** 405, carrying the methods the path does accept. */
    private static final class MethodNotAllowed extends ApiException {
        private final List<String> allowed;

        MethodNotAllowed(String what, List<String> allowed) {
            super(405, "method_not_allowed", what + " is not supported; allowed: " + String.join(", ", allowed), null);
            this.allowed = allowed;
        }
    }
}
