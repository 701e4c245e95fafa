package dev.perfgate.load.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class CapacityTest {

    @Test
    void theListedLevelsGoOnByATenthUpToTheCeiling_smokeByAQuarter() {
        Capacity ci = Capacity.of(Profile.CI, 0);
        assertThat(ci.levels()).containsExactly(25.0, 50.0, 100.0, 150.0, 200.0, 220.0, 242.0, 266.0, 293.0, 322.0,
                354.0, 389.0, 428.0, 471.0, 518.0, 570.0, 600.0);
        assertThat(Capacity.of(Profile.FULL, 500).levels()).containsExactly(10.0, 50.0, 100.0, 150.0, 200.0, 300.0,
                330.0, 363.0, 399.0, 439.0, 483.0, 500.0);
        assertThat(Capacity.of(Profile.CI, 120).levels()).containsExactly(25.0, 50.0, 100.0, 110.0, 120.0);
        assertThat(Capacity.of(Profile.SMOKE, 0).levels()).containsExactly(1.0, 3.0);
        assertThat(Capacity.of(Profile.SMOKE, 5).levels()).containsExactly(1.0, 3.0, 3.8, 4.8, 5.0);
        assertThat(Capacity.of(Profile.CI, 25).levels()).containsExactly(25.0);
    }

    @Test
    void aCeilingOutsideTheRangeStopsBeforeAnyLoad() {
        assertThatThrownBy(() -> Capacity.of(Profile.CI, 10))
                .hasMessage("capacityCeiling was 10 sessions/s, must be from the first level (25) to 10000");
        assertThatThrownBy(() -> Capacity.of(Profile.CI, 20_000)).hasMessageContaining("was 20000 sessions/s");
        assertThatThrownBy(() -> Capacity.of(Profile.CI, Double.NaN)).hasMessageContaining("was NaN");
    }

    @Test
    void eachLevelsSteadyWindowFollowsItsRampAndSkipsTheSettling() {
        Capacity plan = new Capacity(List.of(10.0, 20.0), Duration.ofSeconds(20), Duration.ofSeconds(5));
        // level 0: ramp 0–5 s, hold 5–25 s, judged from 10 s (5 s settling); level 1: ramp 25–30 s, hold 30–50 s
        assertThat(plan.window(0, 1_000_000)).containsExactly(1_010_000, 1_025_000);
        assertThat(plan.window(1, 1_000_000)).containsExactly(1_035_000, 1_050_000);
        assertThat(plan.steps()).hasSize(5); // ramp and hold per level, then the ramp down
    }
}
