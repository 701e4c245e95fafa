package dev.perfgate.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.perfgate.reports.Check;
import dev.perfgate.reports.Confirmation;
import dev.perfgate.reports.RunValidity;

/**
 * A run's judged checks as a file ({@code verdict.json} in its run directory): what a confirmation run hands back to
 * the run it confirms, and what the session summary lists.
 *
 * @param runDir       where the run wrote its files
 * @param confirmation the confirmation run's directory, or null when none ran
 */
public record RunVerdict(String simulation, Confirmation.Outcome outcome, List<Check> checks, RunValidity validity,
                         String runDir, String confirmation) {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    static final String FILE = "verdict.json";

    void write(Path dir) {
        try {
            MAPPER.writeValue(dir.resolve(FILE).toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + dir.resolve(FILE), e);
        }
    }

    /** Reads a run's verdict, or returns null when the run wrote none (it failed before judging). */
    public static RunVerdict read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return MAPPER.readValue(file.toFile(), RunVerdict.class);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }
}
