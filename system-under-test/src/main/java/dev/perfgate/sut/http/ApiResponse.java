package dev.perfgate.sut.http;

import java.io.OutputStream;
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

    /**
     * A body written while it is produced (exports, event streams), never held whole in memory. The writer flushes
     * whenever the client should see what it has so far. If it throws after the first byte, the connection is closed
     * without ending the body (no last chunk), which every HTTP client reports as a truncated response; a writer may
     * first write a marker its format can carry.
     */
    public record Streamed(String contentType, BodyWriter writer) {
    }

    /** Writes a streamed body. */
    @FunctionalInterface
    public interface BodyWriter {
        void write(OutputStream out) throws Exception;
    }
}
