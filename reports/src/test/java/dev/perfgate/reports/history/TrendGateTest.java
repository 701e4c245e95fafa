package dev.perfgate.reports.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perfgate.reports.Check;
import dev.perfgate.reports.RegressionGate;
import dev.perfgate.reports.RunResult;
import dev.perfgate.reports.Tolerance;

/**
 * The history gate on histories of real result files: a drift of five 8 % steps, which the pairwise gate passes
 * step by step, fails the build naming the request, metric, the run and commit where it started and the size of the
 * shift; an unchanged build's history (A/A) never fails; a change that started before the baseline was re-recorded
 * is accepted. The store reports unreadable entries by name and keeps every concurrent append.
 */
class TrendGateTest {
    private static final String DRIFTING = "client detail";
    private static final double NOISE = 0.04;

    private static String envOf(RunResult r) {
        return HistoryEntry.environmentKey(r.environment(), r.profile());
    }

    @Test
    void aDriftOfFiveSmallSteps_passesEveryPair_butFailsTheTrendGate(@TempDir Path dir) {
        DirectoryHistory history = new DirectoryHistory(dir);
        RunResult base = HistoryFixtures.real();
        SplittableRandom noise = new SplittableRandom(11);
        RunResult previous = null;
        List<Check> last = List.of();
        for (int run = 1; run <= 35; run++) {
            int steps = Math.max(0, run - 30); // runs 31..35: 8 % slower each
            RunResult r = HistoryFixtures.variant(base, run, Map.of(DRIFTING, Math.pow(1.08, steps)), noise, NOISE);
            List<HistoryEntry> earlier = history.load(envOf(r)).entries();
            HistoryEntry current = HistoryEntry.of("run-" + run, r);
            last = TrendGate.check(earlier, current, null, TrendGate.Settings.DEFAULT);
            if (run <= 32) {
                assertThat(last).as("run %d: %s", run, last).noneMatch(Check::failed);
            }
            if (previous != null && steps > 0) {
                List<Check> pair = RegressionGate.compare(previous, r, Tolerance.DEFAULT);
                assertThat(pair).as("the pairwise gate on step %d", steps)
                        .noneMatch(c -> c.failed() && c.subject().equals(DRIFTING));
            }
            history.append("run-" + run, r);
            previous = r;
        }
        List<Check> failed = last.stream().filter(Check::failed).toList();
        assertThat(failed).as(last.toString()).isNotEmpty().allMatch(c -> c.subject().equals(DRIFTING)
                && c.group().equals("trend"));
        Check p95 = failed.stream().filter(c -> c.metric().equals("p95Ms")).findFirst().orElseThrow();
        System.out.println("trend gate | " + p95.describe());
        assertThat(p95.rule()).containsAnyOf("commit " + HistoryFixtures.commit(31), "commit " + HistoryFixtures.commit(32));
        assertThat(p95.actual() / p95.expected()).isGreaterThan(1.2);
    }

    @Test
    void anUnchangedBuildsHistory_neverFails(@TempDir Path dir) {
        DirectoryHistory history = new DirectoryHistory(dir);
        RunResult base = HistoryFixtures.real();
        SplittableRandom noise = new SplittableRandom(12);
        int checked = 0;
        for (int run = 1; run <= 60; run++) {
            RunResult r = HistoryFixtures.variant(base, run, Map.of(), noise, 0.08);
            HistoryEntry current = HistoryEntry.of("run-" + run, r);
            List<Check> checks = TrendGate.check(history.load(envOf(r)).entries(), current, null,
                    TrendGate.Settings.DEFAULT);
            assertThat(checks).as("run %d", run).noneMatch(Check::failed);
            checked += checks.stream().anyMatch(c -> c.verdict() == Check.Verdict.PASS) ? 1 : 0;
            history.append("run-" + run, r);
        }
        assertThat(checked).as("runs the gate searched").isGreaterThanOrEqualTo(50);
    }

    @Test
    void aChangeThatStartedBeforeTheBaselineWasRecorded_isAccepted(@TempDir Path dir) {
        DirectoryHistory history = new DirectoryHistory(dir);
        RunResult base = HistoryFixtures.real();
        SplittableRandom noise = new SplittableRandom(13);
        HistoryEntry current = null;
        RunResult r = null;
        for (int run = 1; run <= 30; run++) {
            r = HistoryFixtures.variant(base, run, Map.of(DRIFTING, run > 24 ? 1.5 : 1.0), noise, NOISE);
            if (run < 30) {
                history.append("run-" + run, r);
            }
        }
        current = HistoryEntry.of("run-30", r);
        List<HistoryEntry> earlier = history.load(envOf(r)).entries();
        assertThat(TrendGate.check(earlier, current, null, TrendGate.Settings.DEFAULT)).anyMatch(Check::failed);
        // the baseline was re-recorded from run 26, after the change: the team accepted the new level
        assertThat(TrendGate.check(earlier, current, HistoryFixtures.at(26), TrendGate.Settings.DEFAULT))
                .noneMatch(Check::failed);
    }

    @Test
    void unreadableEntries_areReportedByName_theOthersRead(@TempDir Path dir) throws Exception {
        DirectoryHistory history = new DirectoryHistory(dir);
        RunResult base = HistoryFixtures.real();
        for (int run = 1; run <= 3; run++) {
            history.append("run-" + run, HistoryFixtures.variant(base, run, Map.of(), new SplittableRandom(run), 0));
        }
        String env = envOf(base);
        Path good = Files.list(dir.resolve(env)).sorted().findFirst().orElseThrow();
        String text = Files.readString(good);
        Files.writeString(dir.resolve(env).resolve("truncated.json"), text.substring(0, text.length() / 2));
        Files.writeString(dir.resolve(env).resolve("not-a-result.json"), "{\"hello\": 1}");
        History.Loaded loaded = history.load(env);
        assertThat(loaded.entries()).hasSize(3);
        assertThat(loaded.problems()).extracting(History.Problem::entry)
                .containsExactlyInAnyOrder(env + "/truncated.json", env + "/not-a-result.json");
        assertThat(loaded.problems()).allMatch(p -> !p.message().isBlank());
    }

    @Test
    void concurrentAppends_loseNothing(@TempDir Path dir) throws Exception {
        DirectoryHistory history = new DirectoryHistory(dir);
        RunResult base = HistoryFixtures.real();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                int run = i;
                // the same prefix on purpose: two CI jobs naming their runs alike must not overwrite each other
                ids.add(pool.submit(() -> history.append("same-run", HistoryFixtures.variant(base, run % 5, Map.of(),
                        new SplittableRandom(run), 0))));
            }
            for (Future<String> f : ids) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        History.Loaded loaded = history.load(envOf(base));
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.entries()).hasSize(80);
    }
}
