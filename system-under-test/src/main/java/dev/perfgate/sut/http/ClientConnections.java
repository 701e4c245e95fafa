package dev.perfgate.sut.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionProvider;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.perfgate.sut.contract.ApiError;
import dev.perfgate.sut.contract.Json;

/**
 * The service's HTTP/1.1 connections, watched: what Helidon 4.5 leaves to the client.
 *
 * <ul>
 *   <li><b>A cap per client address.</b> Helidon bounds connections per listener only, so one client holding
 *   half-sent requests (slowloris) could take them all. The connection past the cap is answered a JSON 503 and
 *   closed; the client's other connections are untouched.</li>
 *   <li><b>A read timeout.</b> Helidon's socket read timeout does not apply to its server connections, and its idle
 *   timeout spares a connection once the request line has arrived: headers that never end, or a body shorter than
 *   its Content-Length, held a connection (and a thread) indefinitely. A watchdog closes a connection that has been
 *   in the middle of a request — reading its headers or its body — for longer than the read timeout. A request whose
 *   handler is running (a long export, an event stream) is not in the middle of being read and is left alone.</li>
 *   <li><b>A write timeout.</b> A client that stops reading its response blocks the write, and with it the
 *   handler's thread and, for an export, a database connection, for ever. A response write blocked for longer than
 *   the write timeout closes the connection.</li>
 *   <li><b>TLS on the plain port</b> is answered a JSON 400 at once rather than parsed as a request line that
 *   never ends.</li>
 * </ul>
 */
public final class ClientConnections implements ServerConnectionSelector, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClientConnections.class.getName());
    /** The first byte of a TLS record carrying a handshake (a ClientHello). */
    private static final byte TLS_HANDSHAKE = 0x16;
    /** The longest request line read; {@link Routes} refuses a target longer than {@link Routes#MAX_TARGET_CHARS}. */
    static final int MAX_REQUEST_LINE_BYTES = 64 * 1024;

    private final ServerConnectionSelector http1;
    private final int maxPerClient;
    private final long readTimeoutNanos;
    private final long writeTimeoutNanos;
    private final Map<InetAddress, int[]> perClient = new ConcurrentHashMap<>();
    private final Map<SocketAddress, Watched> open = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watchdog;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong writeTimedOut = new AtomicLong();
    private final AtomicLong endedByServer = new AtomicLong();
    /** Why the last few connections the server ended ended, newest last (a diagnosis, not a log). */
    private final java.util.ArrayDeque<String> serverEnds = new java.util.ArrayDeque<>();

    /** Where a connection is: between requests, reading a request, running its handler, or reading its body. */
    enum Phase { READING, HANDLER, BODY }

    /**
     * @param maxPerClient  most open connections per client address, 0 for no cap
     * @param readTimeoutMs longest time a connection may spend in the middle of reading one request
     * @param writeTimeoutMs longest time one write of a response may block (the client does not read)
     */
    public ClientConnections(int maxPerClient, int readTimeoutMs, int writeTimeoutMs) {
        this.maxPerClient = maxPerClient;
        this.readTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(readTimeoutMs);
        this.writeTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(writeTimeoutMs);
        // a request line up to 64 KiB is read whole, so that the service itself answers a long one with a JSON 414
        // after reading the request's body; Helidon's own limit (4 KiB) closed the connection while the client was
        // still sending, and the client saw a reset instead of the answer
        this.http1 = new Http1ConnectionProvider().create("http_1_1", Http1Config.builder()
                .maxPrologueLength(MAX_REQUEST_LINE_BYTES).build(), ProtocolConfigs.create(List.of()));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "perfgate-connection-watchdog");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(20, Math.min(readTimeoutMs, writeTimeoutMs) / 5);
        watchdog.scheduleWithFixedDelay(this::closeStalled, tick, tick, TimeUnit.MILLISECONDS);
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 1;
    }

    @Override
    public Support supports(BufferData request) {
        // a TLS handshake is claimed too, to be answered rather than left waiting for a request line
        return request.available() > 0 && request.get(0) == TLS_HANDSHAKE ? Support.SUPPORTED
                : http1.supports(request);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        if (ctx.dataReader().available() > 0 && ctx.dataReader().lookup() == TLS_HANDSHAKE) {
            return new Refusal(ctx, "HTTP/1.1 400 Bad Request", "bad_request",
                    "this port speaks plain HTTP/1.1; TLS is not offered here (use http://)");
        }
        SocketAddress peer = ctx.remotePeer().address();
        InetAddress client = peer instanceof InetSocketAddress a ? a.getAddress() : null;
        if (client != null && maxPerClient > 0 && !acquire(client)) {
            refused.incrementAndGet();
            return new Refusal(ctx, "HTTP/1.1 503 Service Unavailable", "too_many_connections",
                    client.getHostAddress() + " holds " + maxPerClient + " open connections already"
                            + " (SUT_MAX_CONNECTIONS_PER_CLIENT); reuse one or retry later");
        }
        Watched watched = new Watched(http1.connection(ctx), ctx, peer, client);
        open.put(peer, watched);
        return watched;
    }

    /** Returns the watched connection a request arrived on, or null (another listener, or no peer address). */
    Watched of(ServerRequest request) {
        return open.get(request.remotePeer().address());
    }

    /** Returns how many connections were refused by the per-client cap since start. */
    public long refused() {
        return refused.get();
    }

    /** Returns how many connections were closed for stalling in the middle of a request since start. */
    public long timedOut() {
        return timedOut.get();
    }

    /** Returns how many connections were closed because their client stopped reading a response since start. */
    public long writeTimedOut() {
        return writeTimedOut.get();
    }

    /**
     * Returns how many connections ended on the server's side since start: anything but the client closing or
     * resetting it. A keep-alive connection the server ends after a response that did not announce it
     * ({@code Connection: close}) fails the client's next request on it; a client retries a GET on a fresh
     * connection but not a POST, which it reports as no answer.
     */
    public long endedByServer() {
        return endedByServer.get();
    }

    /** Returns why the last few connections the server ended ended, oldest first, each with its client's address. */
    public List<String> recentServerEnds() {
        synchronized (serverEnds) {
            return List.copyOf(serverEnds);
        }
    }

    /**
     * Files how a connection's handling ended, unless the client left: {@code closedFor} is why the server asked for
     * the close (the watchdog, the idle timeout, a stop), null when it did not; {@code how} is what ended the
     * connection's loop, null when it returned.
     */
    private void fileEnd(SocketAddress peer, String closedFor, Throwable how) {
        boolean clientLeft = how instanceof CloseConnectionException
                && how.getCause() instanceof DataReader.InsufficientDataAvailableException // end of its stream
                || how instanceof ServerConnectionException; // a reset, or a write to a client that had gone
        if (closedFor == null && clientLeft) {
            return;
        }
        endedByServer.incrementAndGet();
        String why = peer + ": " + (closedFor != null ? closedFor : how == null
                ? "an answer carried Connection: close" : how.toString());
        synchronized (serverEnds) {
            if (serverEnds.size() == 8) {
                serverEnds.removeFirst();
            }
            serverEnds.addLast(why);
        }
    }

    /**
     * Publishes the counters: {@code perfgate_http_connections_refused_total} (the per-client cap),
     * {@code perfgate_http_connections_read_timeouts_total}, {@code perfgate_http_connections_write_timeouts_total}
     * and {@code perfgate_http_connections_ended_by_server_total}.
     */
    public ClientConnections bindTo(MeterRegistry registry) {
        counter(registry, "perfgate.http.connections.refused", refused,
                "connections refused by the per-client cap (SUT_MAX_CONNECTIONS_PER_CLIENT)");
        counter(registry, "perfgate.http.connections.read.timeouts", timedOut,
                "connections closed with a request unfinished after SUT_READ_TIMEOUT_MS");
        counter(registry, "perfgate.http.connections.write.timeouts", writeTimedOut,
                "connections closed with a response write blocked past SUT_WRITE_TIMEOUT_MS");
        counter(registry, "perfgate.http.connections.ended.by.server", endedByServer,
                "connections the server ended, not the client (timeouts, idle close, Connection: close, errors)");
        return this;
    }

    private static void counter(MeterRegistry registry, String name, AtomicLong count, String description) {
        FunctionCounter.builder(name, count, AtomicLong::get).description(description).register(registry);
    }

    private boolean acquire(InetAddress client) {
        boolean[] admitted = {false};
        perClient.compute(client, (k, count) -> {
            int[] c = count == null ? new int[1] : count;
            if (c[0] < maxPerClient) {
                c[0]++;
                admitted[0] = true;
            }
            return c;
        });
        return admitted[0];
    }

    private void release(InetAddress client) {
        perClient.computeIfPresent(client, (k, c) -> --c[0] == 0 ? null : c);
    }

    private void closeStalled() {
        long now = System.nanoTime();
        for (Watched w : open.values()) {
            try {
                long writing = w.writingSince;
                if (writing != 0 && now - writing > writeTimeoutNanos) {
                    writeTimedOut.incrementAndGet();
                    LOG.fine(() -> "closing a connection to " + w.peer + ": a response write blocked for "
                            + TimeUnit.NANOSECONDS.toMillis(writeTimeoutNanos) + " ms (SUT_WRITE_TIMEOUT_MS)");
                    w.closeFor("a response write blocked for longer than SUT_WRITE_TIMEOUT_MS");
                } else if (w.stalledFor(now) > readTimeoutNanos) {
                    timedOut.incrementAndGet();
                    LOG.fine(() -> "closing a connection from " + w.peer + ": no complete request for "
                            + TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos) + " ms (SUT_READ_TIMEOUT_MS)");
                    w.closeFor("no complete request within SUT_READ_TIMEOUT_MS");
                }
            } catch (RuntimeException e) {
                LOG.warning("connection watchdog: " + e);
            }
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    /** A connection whose phase the watchdog can see, and that gives its place back when it ends. */
    final class Watched implements ServerConnection {
        private final ServerConnection delegate;
        private final ConnectionContext ctx;
        private final SocketAddress peer;
        private final InetAddress client;
        private volatile Phase phase = Phase.READING;
        /** When the response write in progress began (nanoTime, odd), or 0 when none is in progress. */
        private volatile long writingSince;
        /** When the watchdog first saw the connection part way through reading a request; 0 when it is not. */
        private long stalledSince;
        private Duration lastIdle = Duration.ZERO;
        /** Why the server asked for this connection to close; null while it has not. */
        private volatile String closedFor;

        Watched(ServerConnection delegate, ConnectionContext ctx, SocketAddress peer, InetAddress client) {
            this.delegate = delegate;
            this.ctx = ctx;
            this.peer = peer;
            this.client = client;
        }

        /** Marks the phase: the handler runs, reads the body, or is done (the connection reads the next request). */
        void phase(Phase next) {
            phase = next;
        }

        /** A response write begins: from now until {@link #writeEnded()} the write timeout runs. */
        void writeStarted() {
            writingSince = System.nanoTime() | 1; // never 0, which means not writing
        }

        void writeEnded() {
            writingSince = 0;
        }

        /** Wraps a response stream so that each write is timed like {@link #writeStarted()} and {@link #writeEnded()}. */
        java.io.OutputStream watch(java.io.OutputStream out) {
            return new java.io.FilterOutputStream(out) {
                @Override
                public void write(int b) throws java.io.IOException {
                    writeStarted();
                    try {
                        out.write(b);
                    } finally {
                        writeEnded();
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) throws java.io.IOException {
                    writeStarted();
                    try {
                        out.write(b, off, len);
                    } finally {
                        writeEnded();
                    }
                }

                @Override
                public void flush() throws java.io.IOException {
                    writeStarted();
                    try {
                        out.flush();
                    } finally {
                        writeEnded();
                    }
                }

                @Override
                public void close() throws java.io.IOException {
                    writeStarted();
                    try {
                        out.close();
                    } finally {
                        writeEnded();
                    }
                }
            };
        }

        /**
         * How long the connection has been part way through reading a request, as the watchdog saw it. Part way
         * means: reading the body; or reading headers (the request line has arrived and no handler runs: Helidon
         * says it cannot be interrupted); or holding part of a request line (bytes buffered while Helidon waits
         * for a line). Idle between requests is not part way: the idle timeout handles that.
         */
        long stalledFor(long now) {
            boolean midRequest = switch (phase) {
                case BODY -> true;
                case HANDLER -> false;
                case READING -> delegate instanceof InterruptableTask<?> task
                        && (!task.canInterrupt() || available() > 0);
            };
            Duration idle = delegate.idleTime();
            // a new request line resets Helidon's idle clock: progress, so the stall starts again
            boolean progressed = idle.compareTo(lastIdle) < 0;
            lastIdle = idle;
            if (!midRequest || progressed) {
                stalledSince = 0;
                return 0;
            }
            if (stalledSince == 0) {
                stalledSince = now;
            }
            return now - stalledSince;
        }

        /** Bytes received and not yet parsed (read from the watchdog's thread: a hint, confirmed over ticks). */
        private int available() {
            return ctx.dataReader().available();
        }

        @Override
        public void handle(Semaphore requestSemaphore) throws InterruptedException {
            watchLoop(() -> delegate.handle(requestSemaphore));
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            watchLoop(() -> delegate.handle(limit));
        }

        /** Runs the connection's loop; whatever ends it, the end is filed and the connection's place given back. */
        private void watchLoop(Loop loop) throws InterruptedException {
            Throwable how = null;
            try {
                loop.run();
            } catch (InterruptedException | RuntimeException | Error e) {
                how = e;
                throw e;
            } finally {
                ended(how);
            }
        }

        private void ended(Throwable how) {
            fileEnd(peer, closedFor, how);
            open.remove(peer, this);
            if (client != null && maxPerClient > 0) {
                release(client);
            }
        }

        @Override
        public Duration idleTime() {
            return delegate.idleTime();
        }

        /** Closes the connection on the watchdog's behalf, interrupting whatever it is doing. */
        void closeFor(String reason) {
            closedFor = reason;
            delegate.close(true);
        }

        @Override
        public void close(boolean interrupt) {
            if (closedFor == null) {
                closedFor = "the idle timeout (SUT_IDLE_TIMEOUT_MS) or the server's stop";
            }
            delegate.close(interrupt);
        }
    }

    /** A connection's request loop, as Helidon runs it. */
    private interface Loop {
        void run() throws InterruptedException;
    }

    /** Answers one JSON error and ends the connection. */
    private record Refusal(ConnectionContext ctx, String statusLine, String code, String message)
            implements ServerConnection {

        @Override
        public void handle(Semaphore requestSemaphore) {
            refuse();
        }

        @Override
        public void handle(Limit limit) {
            refuse();
        }

        private void refuse() {
            byte[] body = Json.bytes(ApiError.outsideRequest(code, message));
            byte[] head = (statusLine + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nRetry-After: 1\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] response = java.util.Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, response, head.length, body.length);
            try {
                ctx.dataWriter().writeNow(BufferData.create(response));
            } catch (RuntimeException gone) {
                // the client left first; nothing to tell it
            }
        }

        @Override
        public Duration idleTime() {
            return Duration.ZERO;
        }

        @Override
        public void close(boolean interrupt) {
            // handle() ends at once; the connection handler closes the socket after it
        }
    }
}
