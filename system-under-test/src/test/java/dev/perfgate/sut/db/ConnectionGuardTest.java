package dev.perfgate.sut.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import dev.perfgate.sut.TestSut;

/**
 * The breaker against a real PostgreSQL behind a proxy the test controls: while the proxy swallows connections (a
 * database that accepts them and never answers, as one still starting on a starved machine can), each probe hangs
 * for its whole timeout; once the proxy forwards again, a later probe must close the breaker without waiting for the
 * hung one to give up.
 */
class ConnectionGuardTest {
    private static final Pattern HOST_PORT = Pattern.compile("//([^:/?]+):(\\d+)/");
    /** Long enough that a breaker waiting for the hung probe could not close before the proxy sees it give up. */
    private static final int PROBE_TIMEOUT_SECONDS = 10;

    @Test
    void aProbeHeldByADatabaseThatDoesNotAnswer_doesNotDelayTheNext() throws Exception {
        String url = TestSut.get().infrastructure().primaryUrl();
        Matcher m = HOST_PORT.matcher(url);
        assertThat(m.find()).as("host and port in %s", url).isTrue();
        try (Proxy proxy = new Proxy(m.group(1), Integer.parseInt(m.group(2)));
             HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(m.replaceFirst("//127.0.0.1:" + proxy.port() + "/"));
            try (ConnectionGuard guard = new ConnectionGuard("proxied", List.of(pool), PROBE_TIMEOUT_SECONDS)) {
                guard.observe(new SQLException("connection refused", "08001"));
                assertThat(guard.outage()).as("the breaker opens on a connection failure").isNotNull();
                awaitUpTo(PROBE_TIMEOUT_SECONDS, proxy::swallowedAny);
                assertThat(proxy.swallowedAny()).as("a probe reached the proxy").isTrue();
                Socket held = proxy.firstSwallowed();

                proxy.forward();
                awaitUpTo(3 * PROBE_TIMEOUT_SECONDS, () -> guard.outage() == null);
                assertThat(guard.outage()).as("a probe through the forwarding proxy closed the breaker").isNull();
                assertThat(proxy.released(held))
                        .as("the breaker closed while the first probe was still waiting for an answer").isFalse();
            }
        }
    }

    /** Waits until the condition holds or the time is up; the caller asserts which. */
    private static void awaitUpTo(int seconds, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
    }

    /** A TCP proxy that swallows connections (accepts, reads, never answers) until told to forward them. */
    private static final class Proxy implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final String targetHost;
        private final int targetPort;
        private final AtomicBoolean forwarding = new AtomicBoolean();
        private final List<Socket> swallowed = new CopyOnWriteArrayList<>();
        private final List<Socket> released = new CopyOnWriteArrayList<>();
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        Proxy(String targetHost, int targetPort) throws IOException {
            this.targetHost = targetHost;
            this.targetPort = targetPort;
            Thread.ofPlatform().daemon().name("guard-test-proxy").start(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        void forward() {
            forwarding.set(true);
        }

        boolean swallowedAny() {
            return !swallowed.isEmpty();
        }

        Socket firstSwallowed() {
            return swallowed.getFirst();
        }

        /** Whether the client has closed a swallowed connection (its probe gave up). */
        boolean released(Socket s) {
            return released.contains(s);
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    open.add(client);
                    if (forwarding.get()) {
                        Socket target = new Socket(targetHost, targetPort);
                        open.add(target);
                        pipe(client.getInputStream(), target.getOutputStream());
                        pipe(target.getInputStream(), client.getOutputStream());
                    } else {
                        swallowed.add(client);
                        Thread.ofPlatform().daemon().start(() -> {
                            try (InputStream in = client.getInputStream()) {
                                in.transferTo(OutputStream.nullOutputStream()); // until the client closes
                            } catch (IOException ignored) {
                                // closed either way
                            }
                            released.add(client);
                        });
                    }
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private static void pipe(InputStream from, OutputStream to) {
            Thread.ofPlatform().daemon().start(() -> {
                try (from; to) {
                    from.transferTo(to);
                } catch (IOException ignored) {
                    // one side closed
                }
            });
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
