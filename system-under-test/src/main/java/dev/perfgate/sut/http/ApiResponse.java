package dev.perfgate.sut.http;

import java.util.Map;

/** What an endpoint answers: a status, a body serialized as JSON (or raw text) and extra headers. */
public record ApiResponse(int status, Object body, Map<String, String> headers) {

    /** Returns a 200 with a JSON body. */
    public static ApiResponse ok(Object body) {
        return new ApiResponse(200, body, Map.of());
    }

    /** Returns a 201 with a JSON body and the new resource's location. */
    public static ApiResponse created(Object body, String location) {
        return new ApiResponse(201, body, Map.of("Location", location));
    }

    /** A body sent as is, with its own content type (Prometheus text, for one). */
    public record Raw(String contentType, byte[] bytes) {
    }
}
