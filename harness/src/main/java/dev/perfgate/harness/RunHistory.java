package dev.perfgate.harness;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import dev.perfgate.reports.Check;
import dev.perfgate.reports.RunResult;
import dev.perfgate.reports.history.History;
import dev.perfgate.reports.history.HistoryEntry;
import dev.perfgate.reports.history.TrendGate;
import dev.perfgate.reports.history.TrendSite;

/**
 * A run's place in the history: the trend gate over the earlier runs of its simulation in its environment
 * ({@link TrendGate}), then the run appended, then the trend site written again. A confirmation run is judged
 * against the history without the run it confirms and is not appended (one run of a commit, not two). Capacity
 * runs are not kept: their levels are overload by design. A history that cannot be read or written is said and
 * skipped: it never decides a verdict by failing.
 */
final class RunHistory {
    private RunHistory() {
    }

    /** The trend checks, and the trend site's page for the run's environment (null when none was written). */
    record Judged(List<Check> checks, Path trendsPage) {
    }

    /**
     * @param acceptedBefore changes that started at or before this instant are accepted (the baseline's run), or
     *                       null when there is no baseline to say so
     */
    static Judged judge(HarnessSettings settings, String runName, RunResult result, Instant acceptedBefore) {
        History history;
        try {
            history = History.open(settings.history());
        } catch (RuntimeException e) {
            System.err.println("perfgate: history: " + e.getMessage());
            return new Judged(List.of(), null);
        }
        if (history == null || result.capacity() != null) {
            return new Judged(List.of(), null);
        }
        try {
            HistoryEntry current = HistoryEntry.of(runName, result);
            History.Loaded loaded = history.load(current.environment());
            loaded.problems().forEach(p -> System.out.println("perfgate: " + p.describe()));
            List<HistoryEntry> earlier = loaded.entries();
            if (settings.confirmationOf() != null) {
                String first = settings.confirmationOf().getFileName() + "-";
                earlier = earlier.stream().filter(e -> !e.id().startsWith(first)).toList();
            }
            List<Check> checks = TrendGate.check(earlier, current, acceptedBefore, TrendGate.Settings.DEFAULT);
            if (settings.confirmationOf() == null) {
                String id = history.append(runName, result);
                System.out.println("perfgate: history: appended " + id + " to " + history.describe() + " ("
                        + current.environment() + ", " + (earlier.size() + 1) + " runs)");
            }
            TrendSite.Written site = TrendSite.write(history, settings.trendsDir(), System.out);
            System.out.println("perfgate: trends: " + site.index());
            return new Judged(checks, site.pages().get(current.environment()));
        } catch (RuntimeException e) {
            System.err.println("perfgate: history at " + history.describe() + " not used: " + e.getMessage());
            return new Judged(List.of(), null);
        }
    }
}
