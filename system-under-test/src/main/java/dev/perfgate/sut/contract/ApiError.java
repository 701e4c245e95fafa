package dev.perfgate.sut.contract;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every error the service answers: a code a client can branch on, a message naming what was wrong, the
 * field it concerns when there is one, and the request's id (also in {@code X-Request-Id}) to find it in the log.
 */
public record ApiError(String error, String message, @JsonInclude(JsonInclude.Include.NON_NULL) String field,
                       String requestId) {
}
