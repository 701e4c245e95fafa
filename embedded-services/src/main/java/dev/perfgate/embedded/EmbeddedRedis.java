package dev.perfgate.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A Redis server run from the binary that the {@code com.github.codemonstur:embedded-redis} jar carries (Maven
 * Central), as a child process on 127.0.0.1 and a free port, keeping nothing on disk. {@link #stop()} and
 * {@link #start()} let tests take it away and bring it back on the same port.
 */
public final class EmbeddedRedis implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EmbeddedRedis.class.getName());

    private final Path binary;
    private final int port;
    private Process process;

    private EmbeddedRedis(Path binary, int port) {
        this.binary = binary;
        this.port = port;
    }

    /** Extracts the binary for this platform (once per version) and starts a server on a free port. */
    public static EmbeddedRedis startFresh() {
        EmbeddedRedis redis = new EmbeddedRedis(extract(), freePort());
        redis.start();
        return redis;
    }

    /** Returns {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Returns the server's process while it runs, empty otherwise; a load harness declares it as the service's. */
    public synchronized java.util.Optional<ProcessHandle> process() {
        return process != null && process.isAlive() ? java.util.Optional.of(process.toHandle())
                : java.util.Optional.empty();
    }

    /** Starts the server (again) on its port and waits until it accepts connections. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            process = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no",
                    "--daemonize", "no", "--loglevel", "warning"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start embedded Redis " + binary + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("embedded Redis exited with " + process.exitValue() + " at start-up");
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                LOG.info(() -> "embedded Redis listening on " + url());
                return;
            } catch (IOException notYet) {
                sleep();
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("embedded Redis did not accept connections on port " + port + " within 10 s");
    }

    /** Kills the server (SIGKILL), as a crash or the OOM killer would; {@link #start()} brings an empty one back. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        try {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Stops the server: its data is gone, as after a real Redis restart without persistence. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /**
     * Freezes the server (SIGSTOP): connections stay open but nothing answers, as in a network partition or a long
     * pause, and the data survives for {@link #resume()}.
     */
    public synchronized void pause() {
        signal("-STOP");
    }

    /** Lets a paused server run again (SIGCONT). */
    public synchronized void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        if (process == null) {
            throw new IllegalStateException("embedded Redis is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill " + signal + " failed for embedded Redis");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static Path extract() {
        String name = binaryName();
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "perfgate-redis-" + name);
        if (Files.isExecutable(target)) {
            return target;
        }
        try (InputStream in = EmbeddedRedis.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no embedded Redis binary " + name + " on the classpath (from"
                        + " com.github.codemonstur:embedded-redis); set SUT_REDIS_URL to use a running Redis");
            }
            Path tmp = Files.createTempFile(target.getParent(), "perfgate-redis-", ".part");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            if (!tmp.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + tmp + " executable");
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not extract embedded Redis: " + e.getMessage(), e);
        }
    }

    private static String binaryName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm64");
        if (os.contains("linux")) {
            return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
        }
        if (os.contains("mac")) {
            return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        }
        throw new IllegalStateException("no embedded Redis for " + os + "/" + arch + "; set SUT_REDIS_URL");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
