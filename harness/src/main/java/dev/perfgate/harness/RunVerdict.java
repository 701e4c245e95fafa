package dev.perfgate.harness;

import java.nio.file.Path;
import java.util.List;

import dev.perfgate.reports.Check;
import dev.perfgate.reports.Confirmation;
import dev.perfgate.reports.ResultFiles;
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
    static final String FILE = "verdict.json";

    void write(Path dir) {
        ResultFiles.writeJson(dir.resolve(FILE), this);
    }

    /** Reads a run's verdict, or returns null when the run wrote none (it failed before judging). */
    public static RunVerdict read(Path dir) {
        return ResultFiles.readJson(dir.resolve(FILE), RunVerdict.class);
    }
}
