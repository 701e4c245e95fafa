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

    @Test
    void targets_areAListOfNodes_andNodesAreValidated() {
        try {
            System.setProperty("perfgate.target", "http://a:8080, http://b:8080");
            System.setProperty("perfgate.root", "/nowhere"); // against targets no checkout is needed
            Settings s = Settings.fromSystemProperties();
            assertThat(s.targets()).extracting(java.net.URI::toString).containsExactly("http://a:8080",
                    "http://b:8080");
            System.setProperty("perfgate.target", "http://a:8080,ftp://b");
            assertThatThrownBy(Settings::fromSystemProperties).hasMessage("target was \"http://a:8080,ftp://b\","
                    + " must be http://host:port, or several separated by commas");
            System.clearProperty("perfgate.target");
            System.clearProperty("perfgate.root");
            System.setProperty("perfgate.nodes", "9");
            assertThatThrownBy(Settings::fromSystemProperties)
                    .hasMessage("nodes was \"9\", must be a whole number from 1 to 8");
            System.setProperty("perfgate.nodes", "2");
            assertThat(Settings.fromSystemProperties().nodes()).isEqualTo(2);
        } finally {
            System.clearProperty("perfgate.target");
            System.clearProperty("perfgate.root");
            System.clearProperty("perfgate.nodes");
        }
    }
}
