package dev.perfgate.sut;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a process's standard output and standard error on daemon threads, so that waiting for one line never stops
 * the others. The two are read from separate pipes, line by line: merged into one pipe, a log line on one could cut
 * a line of the other in two.
 */
final class ProcessOutput {
    private final List<String> lines = new ArrayList<>();

    ProcessOutput(Process p) {
        read(p.getInputStream());
        read(p.getErrorStream()); // an empty stream when the process's error output is redirected
    }

    private void read(InputStream in) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** Waits for a line matching the pattern; null if none came in time. */
    Matcher await(Pattern pattern, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                for (String line : lines) {
                    Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        return m;
                    }
                }
            }
            Thread.sleep(100);
        }
        return null;
    }

    String text() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }
}
