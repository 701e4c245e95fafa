package dev.perfgate.sut.http;

import java.io.OutputStream;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.perfgate.sut.contract.Json;
import dev.perfgate.sut.request.RequestContext;

/**
 * Writes an endpoint's response: the request's statement count and cache outcome as headers, caching rules, security
 * headers, the coding the client accepts, a conditional GET's 304, {@code Server-Timing}, and a streamed body as it
 * is produced. One per service; {@link Routes} calls it for every response, errors included.
 */
final class ResponseWriter {
    private static final Logger LOG = Logger.getLogger(ResponseWriter.class.getName());
    private static final String QUERY_COUNT = "X-Query-Count";
    /** The service's own time for a request, microsecond resolution (RFC: W3C Server Timing). */
    private static final HeaderName SERVER_TIMING = HeaderNames.create("Server-Timing");
    private static final HeaderName CACHE = HeaderNames.create("X-Cache");

    private final ResponseEncoding encoding;

    ResponseWriter(ResponseEncoding encoding) {
        this.encoding = encoding;
    }

    /**
     * Writes a response and returns the status sent; {@code start} is when the request reached its route (for
     * {@code Server-Timing}).
     *
     * @throws StreamFailed when a streamed body failed after it started: the connection must be closed
     */
    int send(ServerRequest req, ServerResponse res, ApiResponse response, long start, RequestContext context,
             ClientConnections.Watched connection) throws StreamFailed {
        // before the answer leaves, whatever it is: a client that reads the figures after it finds its cache hits
        context.fileCounts();
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

    /** A streamed body that failed after it started; status 499 when the client went away. */
    static final class StreamFailed extends Exception {
        final int status;

        StreamFailed(int status, Exception cause) {
            super(cause);
            this.status = status;
        }
    }
}
