package dev.perfgate.reports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Where a measurement was taken: the JDK, CPU count, heap, OS, git commit and profile. Every result file carries
 * one, because a number without its environment cannot be compared with another run.
 */
public record RunEnvironment(String javaVersion, String javaVendor, String jvmName, int availableProcessors,
                             long maxHeapBytes, String osName, String osArch, String gitCommit, boolean gitDirty,
                             String profile, Instant capturedAt) {

    /** Captures this JVM's environment and the git state of the working directory. */
    public static RunEnvironment capture(String profile) {
        return capture(profile, Path.of("").toAbsolutePath());
    }

    /** Captures this JVM's environment and the git state of a directory ("unknown" outside a repository). */
    public static RunEnvironment capture(String profile, Path directory) {
        Runtime rt = Runtime.getRuntime();
        String commit = git(directory, "rev-parse", "HEAD");
        String status = git(directory, "status", "--porcelain", "--untracked-files=no");
        return new RunEnvironment(System.getProperty("java.version"), System.getProperty("java.vendor"),
                System.getProperty("java.vm.name"), rt.availableProcessors(), rt.maxMemory(),
                System.getProperty("os.name"), System.getProperty("os.arch"), commit == null ? "unknown" : commit,
                status != null && !status.isEmpty(), profile, Instant.now());
    }

    private static String git(Path directory, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process p = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null; // no git on this machine: the commit is reported as unknown
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
