package dev.perfgate.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.perfgate.reports.Check;
import dev.perfgate.reports.RunResult;

class CapacityVerdictTest {
    private static final Check LOWER_THAN_BASELINE = new Check("regression", "capacity", "sessionsPerSecond", 489, 313,
            Check.Verdict.FAIL, "highest rate with every budget held; fails below baseline x 0.8");
    private static final Check STATEMENTS = new Check("regression", "book vendor", "statementsMean", 4.5, 5.5,
            Check.Verdict.FAIL, "exact");

    private static List<RunResult.CapacityLevel> kneeBrokenWithOtherWork(double otherWorkPercent) {
        return List.of(new RunResult.CapacityLevel(313, 1554, true, List.of(),
                        new RunResult.MachineCpu(90, 35, 45, 10)),
                new RunResult.CapacityLevel(391, 1793, false, List.of("book vendor p95Ms 2900"),
                        new RunResult.MachineCpu(99, 30, 69 - otherWorkPercent, otherWorkPercent)));
    }

    @Test
    void aLowerCapacity_whereOtherWorkHadAQuarterOfTheMachineAtTheKnee_isVoided_notARegression() {
        List<Check> judged = CapacityVerdict.voidMachineBoundDrop(List.of(LOWER_THAN_BASELINE, STATEMENTS),
                kneeBrokenWithOtherWork(31), 25);
        assertThat(judged.getFirst().verdict()).isEqualTo(Check.Verdict.INVALID);
        assertThat(judged.getFirst().rule()).contains("other work used 31 % of the machine at 391 sessions/s, where"
                + " the knee broke (limit 25 %)");
        assertThat(judged.get(1).verdict()).as("a statement count does not depend on the machine")
                .isEqualTo(Check.Verdict.FAIL);
    }

    @Test
    void aLowerCapacity_onAMachineTheServiceAndTheLoadGeneratorHad_standsAsARegression() {
        assertThat(CapacityVerdict.voidMachineBoundDrop(List.of(LOWER_THAN_BASELINE), kneeBrokenWithOtherWork(8), 25))
                .containsExactly(LOWER_THAN_BASELINE);
        // levels without CPU shares (a run before they were measured) change nothing either
        List<RunResult.CapacityLevel> unmeasured = List.of(new RunResult.CapacityLevel(313, 1554, true, List.of()),
                new RunResult.CapacityLevel(391, 1793, false, List.of("book vendor p95Ms 2900")));
        assertThat(CapacityVerdict.voidMachineBoundDrop(List.of(LOWER_THAN_BASELINE), unmeasured, 25))
                .containsExactly(LOWER_THAN_BASELINE);
    }

    @Test
    void eachLevelsCheckSaysWhoHadTheMachine() {
        List<Check> checks = CapacityVerdict.checks(kneeBrokenWithOtherWork(12));
        assertThat(checks.get(2).rule()).isEqualTo("1793.0 requests/s in the steady window; broke book vendor p95Ms"
                + " 2900; machine 99 % busy: service 57 %, load generator 30 %, other work 12 %");
        assertThat(checks.getFirst().rule()).endsWith("(machine 99 % busy: service 57 %, load generator 30 %, other"
                + " work 12 %)");
    }
}
