package dev.perfgate.sut.http;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.webserver.http.ServerRequest;

import dev.perfgate.sut.contract.ApiError;
import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.db.ConnectionGuard;

/**
 * The one error handler: every failure of a request becomes the contract's JSON error here — an
 * {@link ApiException} as thrown, a database failure by its SQL state (503 to retry, 409 on a conflict), a request
 * Helidon refused by its status, anything else a logged 500 — with the headers its status calls for
 * ({@code Retry-After}, {@code Allow}, {@code WWW-Authenticate}).
 */
final class ErrorResponses {
    private static final Logger LOG = Logger.getLogger(ErrorResponses.class.getName());

    private ErrorResponses() {
    }

    /** Returns the response for an error: its JSON body and the headers its status calls for. */
    static ApiResponse of(ApiException error, String requestId) {
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
        return new ApiResponse(error.status(), new ApiError(error.code(), error.getMessage(), error.field(), requestId),
                headers);
    }

    static ApiException toApiException(ServerRequest req, Exception e, String requestId) {
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
    static final class TooManyRequests extends ApiException {
        private final RateLimiter.Decision decision;

        TooManyRequests(RateLimiter.Decision decision) {
            super(429, "rate_limited", "too many requests for tier " + decision.tier().name() + " ("
                    + decision.tier().burst() + " at once, " + decision.tier().perSecond()
                    + " per second); retry in " + decision.retryAfterSeconds() + " s", null);
            this.decision = decision;
        }
    }

    /** 405, carrying the methods the path does accept. */
    static final class MethodNotAllowed extends ApiException {
        private final List<String> allowed;

        MethodNotAllowed(String what, List<String> allowed) {
            super(405, "method_not_allowed", what + " is not supported; allowed: " + String.join(", ", allowed), null);
            this.allowed = allowed;
        }
    }
}
