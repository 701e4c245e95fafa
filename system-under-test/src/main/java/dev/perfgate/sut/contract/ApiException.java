package dev.perfgate.sut.contract;

/**
 * A request that cannot be served, carrying the contract's error body: {@code {"error", "message", "field"}}.
 * Thrown anywhere below a route; the HTTP layer ({@code Routes}) turns it into the response.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    /** Returns a 400 for a malformed or out-of-range value of a named parameter or body field. */
    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, "bad_request", message, field);
    }

    /** Returns a 404 for an unknown id. */
    public static ApiException notFound(String what, long id) {
        return new ApiException(404, "not_found", what + " " + id + " does not exist", null);
    }

    /** Returns a 409 for a write that conflicts with the stored state. */
    public static ApiException conflict(String field, String message) {
        return new ApiException(409, "conflict", message, field);
    }

    /** Returns a 422 for a well-formed body that refers to something that does not exist or does not fit. */
    public static ApiException unprocessable(String field, String message) {
        return new ApiException(422, "unprocessable", message, field);
    }

    /** Returns the HTTP status. */
    public int status() {
        return status;
    }

    /** Returns the machine-readable error code. */
    public String code() {
        return code;
    }

    /** Returns the offending parameter or field, or null. */
    public String field() {
        return field;
    }
}
