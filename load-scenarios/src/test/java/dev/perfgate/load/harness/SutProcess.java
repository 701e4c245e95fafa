package dev.perfgate.load.harness;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference service in its own JVM, so that the load generator's allocation and GC do not share a heap (or a
 * JIT) with it. Started from {@code system-under-test/target/classes} and the runtime class path the build wrote,
 * or from the packaged jar when only that exists.
 */
public final class SutProcess implements AutoCloseable {
    private final Process process;
    private final URI baseUrl;
    private final Path log;

    private SutProcess(Process process, URI baseUrl, Path log) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.log = log;
    }

    /** Returns a port that is free now (the simulation needs its base URL before the service starts). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Starts the service on a port with the given data scale and waits for health 200.
     *
     * @param recording where the service writes a JDK Flight Recording (profile settings: CPU samples every 10 ms)
     *                  when it exits, or null for none
     */
    public static SutProcess start(Path sutDir, int port, double scale, String adminToken, java.util.Map<String, String> env,
                                   Path log, Path recording) throws IOException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // native access: the response codecs (zstd-jni, brotli4j) load native libraries
        List<String> command = new ArrayList<>(List.of(javaBin, "-Xms512m", "-Xmx1g", "-XX:+UseG1GC",
                "--enable-native-access=ALL-UNNAMED"));
        if (recording != null) {
            Files.createDirectories(recording.toAbsolutePath().getParent());
            command.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + recording);
        }
        Path classes = sutDir.resolve("target").resolve("classes");
        Path classpathFile = sutDir.resolve("target").resolve("runtime-classpath.txt");
        Path jar = sutDir.resolve("target").resolve("system-under-test.jar");
        if (Files.isDirectory(classes) && Files.exists(classpathFile)) {
            command.addAll(List.of("-cp", classes + java.io.File.pathSeparator + Files.readString(classpathFile).strip(),
                    "dev.perfgate.sut.Main"));
        } else if (Files.exists(jar)) {
            command.addAll(List.of("-jar", jar.toString()));
        } else {
            throw new IllegalStateException("the service is not built: neither " + classes + " with " + classpathFile
                    + " nor " + jar + " exists; run ./mvnw gatling:test from the repository root");
        }
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SUT_"));
        pb.environment().put("SUT_PORT", Integer.toString(port));
        pb.environment().put("SUT_SCALE", Double.toString(scale));
        pb.environment().put("SUT_ADMIN_TOKEN", adminToken);
        // every virtual user comes from this one address: per-client limits would measure the limiter, not the
        // service (-DsutEnv=SUT_RATE_LIMITS=anonymous=... turns them back on)
        pb.environment().put("SUT_RATE_LIMITS", "off");
        pb.environment().put("SUT_MAX_CONNECTIONS_PER_CLIENT", "0"); // each virtual user opens its own connections
        // every request over the standard budget gets a log line with its X-Request-Id in the run's service.log, the
        // same ids results.json lists as each route's slowest requests
        pb.environment().put("SUT_SLOW_REQUEST_MS", "200");
        pb.environment().putAll(env);
        Process process = pb.start();
        // if the Gatling JVM ends without after() (a crash, Ctrl-C), the service must not outlive it
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "perfgate-stop-service"));
        SutProcess sut = new SutProcess(process, URI.create("http://127.0.0.1:" + port), log);
        sut.awaitHealthy(Duration.ofMinutes(3));
        return sut;
    }

    /**
     * Returns the service's processes: its JVM (embedded Redis runs as its child) and, when it runs one, the embedded
     * PostgreSQL's postmaster (started detached, so not a child; its backends are the postmaster's children), found
     * from the data directory the service logs and PostgreSQL's postmaster.pid in it.
     */
    public List<ProcessHandle> processes() {
        List<ProcessHandle> out = new ArrayList<>(List.of(process.toHandle()));
        try {
            Matcher m = Pattern.compile("embedded PostgreSQL listening on \\S+ \\(.*, data (\\S+)\\)")
                    .matcher(Files.readString(log));
            if (m.find()) {
                String pid = Files.readAllLines(Path.of(m.group(1)).resolve("postmaster.pid")).getFirst().strip();
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(out::add);
            }
        } catch (IOException | RuntimeException e) {
            // an external database: its CPU is its own machine's, or counts as other work here
        }
        return out;
    }

    private void awaitHealthy(Duration limit) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + " during start-up;"
                        + " its output is in " + log);
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(baseUrl.resolve("/api/performance/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the service", e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("the service did not answer health 200 within " + limit + "; see " + log);
    }

    /** Returns the service's base URL. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** Stops the service (SIGTERM, so it stops its embedded database) and waits for it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
