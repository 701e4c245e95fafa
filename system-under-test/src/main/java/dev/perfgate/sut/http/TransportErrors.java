package dev.perfgate.sut.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import dev.perfgate.sut.contract.ApiError;
import dev.perfgate.sut.contract.Json;

/**
 * JSON bodies for the errors Helidon answers itself, before any route runs (an undecodable URI, a malformed
 * header, an oversized payload), so that every 4xx a client sees carries the contract's error body, and the same
 * security headers and request id as any other response.
 */
public final class TransportErrors {
    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(TransportErrors.class.getName());

    private TransportErrors() {
    }

    /** Returns direct handlers that render Helidon's own errors as {@code {"error", "message"}}. */
    public static DirectHandlers create() {
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, new JsonErrors());
        }
        return builder.build();
    }

    /** One handler for every event type. */
    private static final class JsonErrors implements DirectHandler {
        @Override
        public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                        ServerResponseHeaders headers, String message) {
            if (eventType == EventType.INTERNAL_ERROR && request.method().isEmpty()) {
                // Helidon reports a request line it could not tokenize (a NUL byte in the method, say) as its own
                // internal error, before any request exists: it is the client's malformed request
                LOG.fine("a request line that could not be parsed was answered 400");
                eventType = EventType.BAD_REQUEST;
                status = Status.BAD_REQUEST_400;
                message = "the request line could not be parsed: a method, a target and HTTP/1.1, separated by"
                        + " single spaces, without control characters";
            }
            String error = switch (eventType) {
                case BAD_REQUEST -> "bad_request";
                case PAYLOAD_TOO_LARGE -> "payload_too_large";
                case FORBIDDEN -> "forbidden";
                case HTTP_VERSION_NOT_SUPPORTED -> "http_version_not_supported";
                default -> status.code() >= 500 ? "internal_error" : "bad_request";
            };
            String requestId = RequestIds.of(request.headers().first(HeaderNames.create(RequestIds.HEADER))
                    .orElse(null));
            boolean vague = message == null || message.isBlank() || message.equals(status.reasonPhrase());
            ApiError body = new ApiError(error, vague && eventType == EventType.BAD_REQUEST
                    ? "the request could not be parsed: check the URI's percent-encoding and the headers"
                    : vague ? status.reasonPhrase() : message, null, requestId);
            TransportResponse.Builder response = TransportResponse.builder()
                    .status(status)
                    .headers(headers)
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .header(HeaderNames.CACHE_CONTROL, "no-store")
                    .header(HeaderNames.create(RequestIds.HEADER), requestId);
            SecurityHeaders.apply("application/json", (name, value) -> response.header(HeaderNames.create(name),
                    value));
            return response
                    .keepAlive(eventType.keepAlive())
                    .entity(Json.bytes(body))
                    .build();
        }
    }
}
