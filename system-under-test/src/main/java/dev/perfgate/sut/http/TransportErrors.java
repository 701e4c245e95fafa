package dev.perfgate.sut.http;

import java.util.LinkedHashMap;
import java.util.Map;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.DirectHandlers;

/**
 * JSON bodies for the errors Helidon answers itself, before any route runs (an undecodable URI, a malformed
 * header, an oversized payload), so that every 4xx a client sees carries the contract's error body.
 */
public final class TransportErrors {
    private TransportErrors() {
    }

    /** Returns direct handlers that render Helidon's own errors as {@code {"error", "message"}}. */
    public static DirectHandlers create() {
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, (request, eventType, status, headers, message) -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", switch (eventType) {
                    case BAD_REQUEST -> "bad_request";
                    case PAYLOAD_TOO_LARGE -> "payload_too_large";
                    case FORBIDDEN -> "forbidden";
                    case HTTP_VERSION_NOT_SUPPORTED -> "http_version_not_supported";
                    default -> status.code() >= 500 ? "internal_error" : "bad_request";
                });
                boolean vague = message == null || message.isBlank() || message.equals(status.reasonPhrase());
                body.put("message", vague && eventType == DirectHandler.EventType.BAD_REQUEST
                        ? "the request could not be parsed: check the URI's percent-encoding and the headers"
                        : vague ? status.reasonPhrase() : message);
                return DirectHandler.TransportResponse.builder()
                        .status(status)
                        .headers(headers)
                        .header(HeaderNames.CONTENT_TYPE, "application/json")
                        .keepAlive(eventType.keepAlive())
                        .entity(Json.bytes(body))
                        .build();
            });
        }
        return builder.build();
    }
}
