package dev.perfgate.sut.http;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.perfgate.sut.cache.TwoLevelCache;
import dev.perfgate.sut.metrics.EndpointStats;
import dev.perfgate.sut.query.QueryMonitor;

/**
 * Registers endpoints and wraps each one in the same instrumentation: request timing into its route's exact
 * histogram, the per-request statement count ({@code X-Query-Count}), and the mapping of every failure to the
 * contract's JSON error. Endpoints therefore only compute a response or throw.
 */
public final class Routes {
    private static final Logger LOG = Logger.getLogger(Routes.class.getName());
    private static final String QUERY_COUNT = "X-Query-Count";
    private static final io.helidon.http.HeaderName CACHE = io.helidon.http.HeaderNames.create("X-Cache");

    private final HttpRouting.Builder routing;
    private final EndpointStats stats;
    private final QueryMonitor queries;
    private final int maxBodyBytes;
    private final List<Registered> registered = new ArrayList<>();

    /** Computes a response from a request, or throws. */
    @FunctionalInterface
    public interface Endpoint {
        ApiResponse handle(ApiRequest request) throws Exception;
    }

    private record Registered(Method method, PathMatcher matcher) {
    }

    public Routes(HttpRouting.Builder routing, EndpointStats stats, QueryMonitor queries, int maxBodyBytes) {
        this.routing = routing;
        this.stats = stats;
        this.queries = queries;
        this.maxBodyBytes = maxBodyBytes;
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

    private Routes add(Method method, String pattern, Endpoint endpoint) {
        registered.add(new Registered(method, PathMatchers.create(pattern)));
        routing.route(method, pattern, instrument(method.text() + " " + pattern, stats.route(method.text(), pattern),
                endpoint));
        return this;
    }

    /** Answers everything no route matched: 405 with Allow when the path exists under other methods, else 404. */
    public void fallback() {
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
            queries.begin(name);
            int status = 500;
            try {
                TwoLevelCache.takeLastLevel(); // nothing left over from an earlier request on this thread
                status = send(req, res, endpoint.handle(new ApiRequest(req, maxBodyBytes)));
            } catch (Exception e) {
                status = sendError(req, res, e);
            } finally {
                route.record(status, System.nanoTime() - start);
                queries.end();
            }
        };
    }

    private static int send(ServerRequest req, ServerResponse res, ApiResponse response) {
        response.headers().forEach(res::header);
        res.header(QUERY_COUNT, Integer.toString(QueryMonitor.current()));
        TwoLevelCache.Level level = TwoLevelCache.takeLastLevel();
        if (level != null) {
            res.header(CACHE, level.name());
        }
        if (response.body() instanceof ApiResponse.Raw raw) {
            res.status(response.status());
            res.header(HeaderNames.CONTENT_TYPE, raw.contentType());
            res.send(raw.bytes());
            return response.status();
        }
        byte[] body = Json.bytes(response.body());
        if (response.status() == 200 && req.prologue().method() == Method.GET) {
            // conditional GET: the tag is a hash of the exact bytes, so it changes exactly when the answer does
            String etag = ETags.of(body);
            res.header(HeaderNames.ETAG, etag);
            if (ETags.matches(req.headers().value(HeaderNames.IF_NONE_MATCH).orElse(null), etag)) {
                res.status(304);
                res.send();
                return 304;
            }
        }
        res.status(response.status());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
        return response.status();
    }

    private static int sendError(ServerRequest req, ServerResponse res, Exception e) {
        ApiException error = toApiException(req, e);
        if (res.isSent()) {
            return error.status(); // nothing more can be said on this response
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.code());
        body.put("message", error.getMessage());
        if (error.field() != null) {
            body.put("field", error.field());
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (error.status() == 503) {
            headers.put("Retry-After", "1");
        }
        if (error instanceof MethodNotAllowed m) {
            headers.put("Allow", String.join(", ", m.allowed));
        }
        if (error.status() == 401) {
            headers.put("WWW-Authenticate", "Bearer");
        }
        return send(req, res, new ApiResponse(error.status(), body, headers));
    }

    private static ApiException toApiException(ServerRequest req, Exception e) {
        if (e instanceof ApiException api) {
            return api;
        }
        if (e instanceof SQLException sql) {
            ApiException mapped = fromSql(sql);
            if (mapped != null) {
                return mapped;
            }
        }
        if (e instanceof io.helidon.http.RequestException re && re.status().code() < 500) {
            return new ApiException(re.status().code(), "bad_request", re.getMessage(), null);
        }
        LOG.log(Level.SEVERE, "unexpected failure in " + req.prologue().method().text() + " " + req.path().path(), e);
        return new ApiException(500, "internal_error", "unexpected server error: " + e.getClass().getSimpleName(), null);
    }

    /**
     * Maps database failures a client can act on: pool exhaustion, timeouts and lost connections are 503 (retry
     * later), constraint violations a validated request can still hit (a race on a unique key) are 409.
     */
    static ApiException fromSql(SQLException e) {
        if (e instanceof SQLTransientConnectionException) {
            return new ApiException(503, "database_unavailable", "no database connection available: " + e.getMessage(),
                    null);
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("57014")) {
            return new ApiException(503, "timeout", "the query took longer than SUT_DB_STATEMENT_TIMEOUT_MS", null);
        }
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P03")) {
            return new ApiException(503, "database_unavailable", "the database connection failed: " + e.getMessage(),
                    null);
        }
        if (state.equals("23505")) {
            return ApiException.conflict(null, "the change conflicts with stored data: " + e.getMessage());
        }
        if (state.equals("40001") || state.equals("40P01")) {
            return new ApiException(409, "conflict", "concurrent update; retry the request", null);
        }
        return null;
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
