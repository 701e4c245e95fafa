package dev.perfgate.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** -Dinjectors=N and its companions: read, validated before any load, and the launcher's arguments rewritten. */
class InjectionSettingsTest {
    private static final List<String> KEYS = List.of("injectors", "injector", "injectorsDir", "injectorsStart",
            "maxInjectorSkewMs", "injectorWaitSeconds", "coordinatorPid");

    @AfterEach
    void clear() {
        KEYS.forEach(k -> {
            System.clearProperty("perfgate." + k);
            System.clearProperty(k);
        });
    }

    @Test
    void defaults_areOneInjector_thisJvm() {
        HarnessSettings.Injection i = HarnessSettings.Injection.fromSystemProperties();
        assertThat(i.shared()).isFalse();
        assertThat(i.judges()).isTrue();
        assertThat(i.startsOthers()).isTrue();
        assertThat(i).isEqualTo(HarnessSettings.Injection.ALONE);
    }

    @Test
    void theShortForm_works_andAnExternalInjectorNeedsTheSharedDirectory() {
        System.setProperty("injectors", "3");
        System.setProperty("perfgate.injector", "2");
        System.setProperty("perfgate.injectorsStart", "external");
        assertThatThrownBy(HarnessSettings.Injection::fromSystemProperties)
                .hasMessageStartingWith("perfgate.injectorsDir is not set: injectors started elsewhere");
        System.setProperty("perfgate.injectorsDir", "/shares");
        HarnessSettings.Injection i = HarnessSettings.Injection.fromSystemProperties();
        assertThat(i.count()).isEqualTo(3);
        assertThat(i.index()).isEqualTo(2);
        assertThat(i.dir()).isEqualTo(Path.of("/shares"));
        assertThat(i.judges()).isFalse();
        assertThat(i.startsOthers()).isFalse();
    }

    @Test
    void badValues_stopNamingTheKeyTheValueAndTheRule() {
        System.setProperty("perfgate.injectors", "0");
        assertThatThrownBy(HarnessSettings.Injection::fromSystemProperties)
                .hasMessage("perfgate.injectors was \"0\", must be a whole number from 1 to 64");
        System.setProperty("perfgate.injectors", "2");
        System.setProperty("perfgate.injector", "2");
        assertThatThrownBy(HarnessSettings.Injection::fromSystemProperties)
                .hasMessage("perfgate.injector was \"2\", must be a whole number from 0 to 1");
        System.setProperty("perfgate.injector", "1");
        System.setProperty("perfgate.injectorsStart", "k8s");
        assertThatThrownBy(HarnessSettings.Injection::fromSystemProperties)
                .hasMessageStartingWith("perfgate.injectorsStart was \"k8s\", must be local");
        System.setProperty("perfgate.injectorsStart", "local");
        System.setProperty("perfgate.maxInjectorSkewMs", "soon");
        assertThatThrownBy(HarnessSettings.Injection::fromSystemProperties)
                .hasMessage("perfgate.maxInjectorSkewMs was \"soon\", must be a whole number from 0 to 600000");
    }

    @Test
    void theResultsFolder_ofGatlingsArguments_isReplacedOrAdded() {
        Path folder = Path.of("/runs/x/injectors/injector-1-gatling");
        assertThat(SameJvmCommand.replaceResultsFolder(List.of("--simulation", "a.B", "--results-folder",
                "/target/gatling", "--run-description", "x"), folder)).containsExactly("--simulation", "a.B",
                "--results-folder", folder.toString(), "--run-description", "x");
        assertThat(SameJvmCommand.replaceResultsFolder(List.of("-s", "a.B", "-rf", "/target/gatling"), folder))
                .containsExactly("-s", "a.B", "-rf", folder.toString());
        assertThat(SameJvmCommand.replaceResultsFolder(List.of("-s", "a.B"), folder))
                .containsExactly("-s", "a.B", "--results-folder", folder.toString());
    }
}
