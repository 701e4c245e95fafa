package dev.perfgate.load.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.perfgate.harness.Budgets;

class ReferenceSettingsTest {

    @Test
    void profile_unknownNameIsAnError() {
        assertThat(Profile.parse("CI")).isEqualTo(Profile.CI);
        assertThatThrownBy(() -> Profile.parse("nightly"))
                .hasMessage("profile was \"nightly\", must be one of smoke, ci, full");
    }

    @Test
    void theProjectsBudgetsFile_loadsWithTheContractTiers() {
        Budgets b = Budgets.load(Path.of("budgets.yaml"));
        assertThat(b.tiers()).containsKeys("health", "critical", "standard", "analytics");
        assertThat(b.tierOf("client detail")).isEqualTo("critical");
        assertThat(b.expectedStatuses("book vendor").test(409)).isTrue();
    }
}
