package dev.perfgate.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.perfgate.reports.BaselinePolicy;

/**
 * Runs the same simulation once more, in a new JVM started exactly as Gatling's Maven plugin started this one (same
 * JVM options, classpath and arguments), with the service started afresh: the second witness a timing failure needs
 * before it fails a build. Started after this JVM's Gatling report is written; the new run writes its verdict to its
 * own run directory, which this JVM then reads.
 */
final class ConfirmationRun {
    private ConfirmationRun() {
    }

    /**
     * Runs the confirmation into {@code dir} and returns its verdict, or null when it could not be started or wrote
     * none (then the first run's verdict stands, and the reason is printed).
     */
    static RunVerdict run(Path firstRunDir, Path dir, BaselinePolicy baseline) {
        ProcessHandle.Info self = ProcessHandle.current().info();
        if (self.command().isEmpty() || self.arguments().isEmpty()) {
            System.err.println("perfgate: cannot confirm: this JVM's command line is not readable on this platform");
            return null;
        }
        List<String> args = new ArrayList<>(List.of(self.arguments().get()));
        int jar = args.indexOf("-jar");
        if (jar >= 0 && jar + 1 < args.size() && !Files.exists(Path.of(args.get(jar + 1)))) {
            System.err.println("perfgate: cannot confirm: " + args.get(jar + 1) + " (Gatling's launcher) is gone");
            return null;
        }
        List<String> command = new ArrayList<>();
        command.add(self.command().get());
        command.addAll(args.subList(0, jar >= 0 ? jar : firstNonOption(args)));
        // the rightmost -D of a name wins: these override what the plugin passed
        command.add("-Dperfgate.confirmationOf=" + firstRunDir);
        command.add("-Dperfgate.runDir=" + dir);
        command.add("-Dperfgate.baseline=" + (baseline == BaselinePolicy.UPDATE ? BaselinePolicy.OFF : baseline).id());
        command.addAll(args.subList(jar >= 0 ? jar : firstNonOption(args), args.size()));
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

    private static int firstNonOption(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("-")) {
                return i;
            }
            if (a.equals("-cp") || a.equals("-classpath") || a.equals("--class-path")) {
                i++;
            }
        }
        return args.size();
    }
}
