package dev.perfgate.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import dev.perfgate.reports.Check;

/**
 * One table for all the simulations of one {@code gatling:test} invocation: Gatling's Maven plugin runs each in its
 * own JVM, so each appends its row to a file named by the invocation, and prints the table so far — the last
 * simulation's table is the whole run's. The build's exit status is one: it fails when any simulation failed.
 */
final class SessionSummary {
    private SessionSummary() {
    }

    /** Appends a simulation's row and prints the session's table. */
    static void record(Path dir, String session, RunVerdict verdict, int attempts) {
        Path file = dir.resolve("summary-" + session.replaceAll("[^A-Za-z0-9._-]", "_") + ".tsv");
        List<Check> checks = verdict.checks();
        String row = String.join("\t", verdict.simulation(), Integer.toString(checks.size()),
                Long.toString(checks.stream().filter(Check::failed).count()),
                Long.toString(checks.stream().filter(c -> c.verdict() == Check.Verdict.INVALID).count()),
                Integer.toString(attempts), verdict.outcome().name(),
                Path.of(verdict.runDir()).resolve("regression.html").toString()) + "\n";
        List<String> rows;
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND); FileLock lock = channel.lock()) {
                channel.write(java.nio.ByteBuffer.wrap(row.getBytes(StandardCharsets.UTF_8)));
            }
            rows = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the session summary " + file, e);
        }
        System.out.println();
        System.out.printf("perfgate: summary of this gatling:test run (%d simulation(s) so far; %s)%n", rows.size(), file);
        System.out.printf("  %-30s %7s %7s %8s %9s %-8s %s%n", "simulation", "checks", "failed", "invalid", "attempts",
                "verdict", "report");
        for (String r : rows) {
            String[] c = r.split("\t");
            System.out.printf("  %-30s %7s %7s %8s %9s %-8s %s%n", c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
        }
        long failed = rows.stream().filter(r -> r.split("\t")[5].equals("FAIL")).count();
        System.out.printf("perfgate: %s%n", failed == 0 ? "no simulation failed so far"
                : failed + " simulation(s) failed: the build fails once every simulation has run");
    }
}
