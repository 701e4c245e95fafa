package dev.perfgate.sut.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every error the service answers: a code a client can branch on, a message naming what was wrong, the
 * field it concerns when there is one, and the request's id (also in {@code X-Request-Id}) to find it in the log.
 * Two errors have no request id of their own: an error event inside a stream (the stream's response carries it)
 * and a connection refused before any request was read.
 */
public record ApiError(String error, String message, @JsonInclude(JsonInclude.Include.NON_NULL) String field,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String requestId) {
    /** An error outside any request: a stream's error event, or a connection refused before a request was read. */
    public static ApiError outsideRequest(String error, String message) {
        return new ApiError(error, message, null, null);
    }
}
