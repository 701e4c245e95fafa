package dev.perfgate.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.perfgate.reports.BaselinePolicy;

/**
 * Runs the same simulation once more, in a new JVM started as this one was ({@link SameJvmCommand}), with the
 * service started afresh: the second witness a timing failure needs before it fails a build. Started after this
 * JVM's Gatling report is written; the new run writes its verdict to its own run directory, which this JVM then reads.
 */
final class ConfirmationRun {
    private ConfirmationRun() {
    }

    /**
     * Runs the confirmation into {@code dir} and returns its verdict, or null when it could not be started or wrote
     * none (then the first run's verdict stands, and the reason is printed).
     */
    static RunVerdict run(Path firstRunDir, Path dir, BaselinePolicy baseline) {
        List<String> command;
        try {
            command = SameJvmCommand.with(List.of("-Dperfgate.confirmationOf=" + firstRunDir,
                    "-Dperfgate.runDir=" + dir,
                    "-Dperfgate.baseline=" + (baseline == BaselinePolicy.UPDATE ? BaselinePolicy.OFF : baseline).id()));
        } catch (IllegalStateException e) {
            System.err.println("perfgate: cannot confirm: " + e.getMessage());
            return null;
        }
        try {
            Files.createDirectories(dir);
            Process p = new ProcessBuilder(command).inheritIO().start();
            int status = p.waitFor();
            RunVerdict verdict = RunVerdict.read(dir);
            if (verdict == null) {
                System.err.println("perfgate: the confirmation run ended with status " + status + " and no verdict");
            }
            return verdict;
        } catch (IOException e) {
            System.err.println("perfgate: cannot confirm: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
