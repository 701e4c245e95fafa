package dev.perfgate.reports.history;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.perfgate.reports.RunEnvironment;
import dev.perfgate.reports.RunResult;

/**
 * Where runs accumulate: every Gatling simulation's results and every JMH run, kept apart by environment
 * ({@link HistoryEntry#environmentKey}). Appending never loses another job's entry; reading reports an entry it
 * cannot read by name and goes on with the others.
 */
public interface History {

    /** An entry that could not be read: which, and why. */
    record Problem(String entry, String message) {
        public String describe() {
            return "history entry " + entry + " skipped: " + message;
        }
    }

    /** The readable entries of one environment, oldest first, and the ones that were not readable. */
    record Loaded(List<HistoryEntry> entries, List<Problem> problems) {
    }

    /** Appends a Gatling run; the id starts with {@code idPrefix} (the run's directory name) and is returned. */
    String append(String idPrefix, RunResult result);

    /** Appends a JMH run (its JSON result array); returns the id. */
    String appendJmh(JsonNode jmhResults, RunEnvironment environment, String profile, Instant startedAt);

    /** Reads every entry of an environment. */
    Loaded load(String environment);

    /** A Gatling run's results.json as it was appended, by id, or null. */
    RunResult result(String environment, String id);

    /** The environments that have entries. */
    List<String> environments();

    /** Where it is, for people. */
    String describe();

    /**
     * Opens the history a setting names: {@code off} for none (null), a {@code jdbc:postgresql:} URL for a
     * database, anything else a directory (created on first append).
     */
    static History open(String setting) {
        if (setting == null || setting.isBlank() || setting.equals("off")) {
            return null;
        }
        if (setting.startsWith("jdbc:")) {
            if (!setting.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("perfgate.history was \"" + setting.replaceAll("password=[^&]*",
                        "password=***") + "\", must be a directory, a jdbc:postgresql: URL or off");
            }
            return new PostgresHistory(setting);
        }
        return new DirectoryHistory(Path.of(setting).toAbsolutePath());
    }
}
