package dev.perfgate.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.HistogramLogWriter;

import dev.perfgate.reports.ResultFiles;
import dev.perfgate.reports.RunValidity;

/**
 * One injector's share of a run, as it leaves the injector for the merge: {@code injector-N.hlog}, every judged
 * answer in HdrHistogram's own interval-log format (one histogram per request, kind and second, tagged as
 * {@link #tags} says; readable by HdrHistogram's HistogramLogReader and HistogramLogAnalyzer), and
 * {@code injector-N.json}, this record: who ran what, when, how healthy the injector was, and each request's counts
 * (attempts, answers, errors by cause, stalled answers, SQL statements) in the order of the log's indexes.
 *
 * @param schemaVersion      {@link #SCHEMA_VERSION} when written
 * @param simulation         the simulation the injector ran (its results and baselines name)
 * @param profile            the profile it ran
 * @param injector           its index, 0 … injectors - 1 (0 coordinates a local run)
 * @param injectors          how many injectors the run has
 * @param firstRequestMillis when its first request was sent (its own clock)
 * @param judgedFromMillis   from when its requests are judged: the first plus the warm-up
 * @param lastResponseMillis when its last answer arrived
 * @param validity           what its own JVM and machine went through during the load
 * @param requests           each request name's counts, in name order
 */
public record InjectorShare(int schemaVersion, String simulation, String profile, int injector, int injectors,
                            long firstRequestMillis, long judgedFromMillis, long lastResponseMillis,
                            RunValidity validity, List<Counts> requests) {
    /** The version of the share's two files. */
    public static final int SCHEMA_VERSION = 1;

    /** One request name's counts in a share (its histograms are in the interval log). */
    public record Counts(String name, long attempts, long received, long ok, Map<String, Long> errors, long stalled,
                         long statements, long statementResponses, long statementsMax) {
    }

    /** Returns the share file of an injector in a directory. */
    public static Path json(Path dir, int injector) {
        return dir.resolve("injector-" + injector + ".json");
    }

    /** Returns the interval log of an injector in a directory. */
    public static Path log(Path dir, int injector) {
        return dir.resolve("injector-" + injector + ".hlog");
    }

    /**
     * Writes this JVM's share into {@code dir}: the interval log first and the share file last, so a share file
     * present means its log is complete. {@code validity} measures the injector given the answers its stalls excluded.
     */
    static InjectorShare write(Path dir, String simulation, String profile, int injector, int injectors,
                               java.util.function.LongFunction<RunValidity> validity, ExactResults.Stalls stalls,
                               long warmUpMillis) {
        try {
            Files.createDirectories(dir);
            Path log = log(dir, injector);
            long first = ExactResults.firstRequestMillis();
            List<Counts> counts;
            try (PrintStream out = new PrintStream(Files.newOutputStream(log), false, "US-ASCII")) {
                HistogramLogWriter writer = new HistogramLogWriter(out);
                writer.outputComment("perfgate injector " + injector + " of " + injectors + ": " + simulation
                        + " (" + profile + "); tags c.N client ms, s.N server us, g.N client-minus-server us; N indexes"
                        + " requests in " + json(dir, injector).getFileName());
                writer.outputLogFormatVersion();
                writer.outputStartTime(Math.max(0, first));
                writer.outputBaseTime(0); // interval timestamps are absolute epoch seconds
                writer.outputLegend();
                counts = ExactResults.writeShare(writer, stalls, warmUpMillis);
            }
            InjectorShare share = new InjectorShare(SCHEMA_VERSION, simulation, profile, injector, injectors,
                    first, ExactResults.judgedFromMillis(warmUpMillis),
                    ExactResults.lastResponseMillis(),
                    validity.apply(counts.stream().mapToLong(Counts::stalled).sum()), counts);
            Path json = json(dir, injector);
            Path tmp = json.resolveSibling(json.getFileName() + ".tmp");
            ResultFiles.writeJson(tmp, share);
            Files.move(tmp, json, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return share;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write injector " + injector + "'s share to " + dir, e);
        }
    }

    /** Reads an injector's share file; a file that is not one stops with its name and the reason. */
    static InjectorShare read(Path file) {
        InjectorShare share;
        try {
            share = ResultFiles.readJson(file, InjectorShare.class);
        } catch (RuntimeException e) {
            throw new IllegalStateException(file + " is not an injector's share: " + e.getMessage(), e);
        }
        if (share == null || share.schemaVersion() != SCHEMA_VERSION) {
            throw new IllegalStateException(file + " has share schema version "
                    + (share == null ? "none" : share.schemaVersion()) + ", this perfgate reads " + SCHEMA_VERSION
                    + ": every injector must run the same perfgate");
        }
        return share;
    }

    /**
     * The tags of a request's interval histograms in an injector's log: client latency in ms ({@code c.N}), the
     * service's own time in µs ({@code s.N}) and the client-minus-server gap in µs ({@code g.N}), N being the
     * request's index in the injector's share file (request names hold spaces, which a log's tags cannot).
     */
    static String[] tags(int index) {
        return new String[] {"c." + index, "s." + index, "g." + index};
    }
}
