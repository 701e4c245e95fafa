package dev.perfgate.sut.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes Server-Sent Events (the WHATWG {@code text/event-stream} format) and flushes each one, so that it reaches
 * the client at once. Data is compact JSON, which never contains a line break, so every event has one data line.
 */
final class EventStream {
    /** The media type of an event stream. */
    static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";

    private final OutputStream out;
    private long lastWriteNanos = System.nanoTime();

    EventStream(OutputStream out) {
        this.out = out;
    }

    /** Tells the client how long to wait before it reconnects after the stream drops. */
    void retry(long millis) throws IOException {
        write("retry: " + millis + "\n\n");
    }

    /**
     * Sends one event with its name and JSON data, and an id the client sends back as {@code Last-Event-ID} when it
     * reconnects; with a null id the client keeps the last one it had (used for error events).
     */
    void event(String id, String name, byte[] json) throws IOException {
        out.write(((id == null ? "" : "id: " + id + "\n") + "event: " + name + "\ndata: ")
                .getBytes(StandardCharsets.UTF_8));
        out.write(json);
        write("\n\n");
    }

    /** Sends a comment line, which clients ignore: a heartbeat that keeps proxies from closing an idle stream. */
    void comment(String text) throws IOException {
        write(": " + text + "\n\n");
    }

    /** Returns the nanoseconds since anything was last written. */
    long idleNanos() {
        return System.nanoTime() - lastWriteNanos;
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        lastWriteNanos = System.nanoTime();
    }
}
