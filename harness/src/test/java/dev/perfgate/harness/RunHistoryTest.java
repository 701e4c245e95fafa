package dev.perfgate.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perfgate.reports.Check;
import dev.perfgate.reports.ResultFiles;
import dev.perfgate.reports.RunResult;
import dev.perfgate.reports.history.History;

/**
 * A run's place in the history: judged against the earlier runs, appended, the site written; a confirmation run is
 * judged without the run it confirms and not appended; a capacity run and history=off leave no trace.
 */
class RunHistoryTest {
    private static final RunResult REAL = ResultFiles.read(Path.of("../reports/baselines/gatling-PeakDaySimulation-ci.json"));

    private static HarnessSettings settings(Path dir, String history, Path confirmationOf) {
        return new HarnessSettings("ci", dev.perfgate.reports.BaselinePolicy.COMPARE, dir.resolve("budgets.yaml"), dir.resolve("baselines"),
                dir.resolve("runs"), dir.resolve("gatling"), true, confirmationOf, null, "s", dir.resolve("runs"),
                history, dir.resolve("trends"), HarnessSettings.Injection.ALONE);
    }

    @Test
    void aRun_isJudgedAppendedAndDrawn_itsConfirmationOnlyJudged(@TempDir Path dir) {
        String history = dir.resolve("history").toString();
        RunHistory.Judged first = RunHistory.judge(settings(dir, history, null), "20261202-010000-PeakDay", REAL, null);
        assertThat(first.checks()).singleElement().satisfies(c -> {
            assertThat(c.group()).isEqualTo("trend");
            assertThat(c.verdict()).isEqualTo(Check.Verdict.NEW);
        });
        assertThat(first.trendsPage()).exists();
        assertThat(dir.resolve("trends/index.html")).exists();
        History h = History.open(history);
        String env = h.environments().getFirst();
        assertThat(h.load(env).entries()).hasSize(1);

        RunHistory.Judged confirmation = RunHistory.judge(settings(dir, history,
                dir.resolve("runs/20261202-010000-PeakDay")), "20261202-010000-PeakDay-confirmation", REAL, null);
        assertThat(confirmation.checks()).singleElement().satisfies(c -> assertThat(c.rule()).contains("has 1 run"));
        assertThat(h.load(env).entries()).as("the confirmation is not a run of its own").hasSize(1);
    }

    @Test
    void historyOff_orACapacityRun_leaveNoTrace(@TempDir Path dir) throws Exception {
        assertThat(RunHistory.judge(settings(dir, "off", null), "r", REAL, null).checks()).isEmpty();
        RunResult capacity = new RunResult(REAL.simulation(), REAL.profile(), REAL.target(), REAL.startedAt(),
                REAL.durationSeconds(), REAL.environment(), REAL.requests(), REAL.budgets(), REAL.server(),
                java.util.List.of(), REAL.validity(), REAL.schemaVersion());
        assertThat(RunHistory.judge(settings(dir, dir.resolve("h").toString(), null), "r", capacity, null).checks())
                .isEmpty();
        assertThat(Files.exists(dir.resolve("h"))).isFalse();
    }
}
