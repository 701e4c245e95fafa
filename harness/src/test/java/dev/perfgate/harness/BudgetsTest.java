package dev.perfgate.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perfgate.reports.Check;
import dev.perfgate.reports.RequestStats;

class BudgetsTest {
    private static final Path FILE = Path.of("src/test/resources/budgets.yaml"); // a copy of the reference's

    private static RequestStats stats(String name, long count, double p95, double p99, long ko) {
        return new RequestStats(name, "", count, count - ko, ko, Map.of(), 1, 2, 3, p95, p99, p99, p99, 2, 1, 1, 1);
    }

    @Test
    void expectedStatuses_areSuccesses_othersFrom400Failures() {
        Budgets b = Budgets.load(FILE);
        assertThat(b.expectedStatuses("book vendor").test(409)).isTrue();
        assertThat(b.expectedStatuses("book vendor").test(500)).isFalse();
        assertThat(b.expectedStatuses("client detail").test(304)).isTrue();
        assertThat(b.expectedStatuses("client detail").test(409)).isFalse();
    }

    @Test
    void requestWithoutBudget_isWarnedInTheChecks_notFailed() {
        List<Check> checks = Budgets.load(FILE).check(List.of(stats("unlisted", 500, 10, 20, 0)));
        assertThat(checks).filteredOn(c -> c.subject().equals("unlisted")).singleElement()
                .satisfies(c -> assertThat(c.verdict()).isEqualTo(Check.Verdict.WARN));
    }

    @Test
    void theProjectsBudgetsFile_loadsAndCoversTheContractTiers() {
        Budgets b = Budgets.load(FILE);
        assertThat(b.tiers()).containsKeys("health", "critical", "standard", "analytics");
        assertThat(b.tiers().get("critical").p95Ms()).isEqualTo(100);
        assertThat(b.tierOf("client detail")).isEqualTo("critical");
        assertThat(b.maxErrorPercent()).isEqualTo(0.1);
    }

    @Test
    void requestWithoutBudget_isRejectedNamingTheFile() {
        assertThatThrownBy(() -> Budgets.load(FILE).tierOf("teleport"))
                .hasMessage("request \"teleport\" has no budget: add it under requests in " + FILE);
    }

    @Test
    void unknownTier_isRejected(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("b.yaml");
        Files.writeString(f, Files.readString(FILE).replace("client detail: critical", "client detail: urgent"));
        assertThatThrownBy(() -> Budgets.load(f)).hasMessageContaining(f + " line 26: requests.client detail was urgent,"
                + " must be one of the tiers [analytics, critical, health, standard]");
    }

    @Test
    void p99BelowP95_isRejected(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("b.yaml");
        Files.writeString(f, Files.readString(FILE).replace("{ p95Ms: 50,  p99Ms: 150,", "{ p95Ms: 50,  p99Ms: 20,"));
        assertThatThrownBy(() -> Budgets.load(f)).hasMessageContaining(f + " line 12: tiers.health.p99Ms was 20, must be"
                + " positive and at least p95Ms (50)");
    }

    @Test
    void unknownKey_zeroLimit_badTolerance_stopNamingFileLineKeyAndRule(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("b.yaml");
        String text = Files.readString(FILE);
        Files.writeString(f, text.replace("latencyRatio: 1.5", "latencyRatio: 1.5\n  latencyRaito: 2"));
        assertThatThrownBy(() -> Budgets.load(f)).hasMessageContaining(f + " line ")
                .hasMessageContaining("unknown key \"latencyRaito\" (at regression.latencyRaito); known keys: [");
        Files.writeString(f, text.replace("{ p95Ms: 100, p99Ms: 300 }", "{ p95Ms: 0, p99Ms: 300 }")
                .replace("latencyRatio: 1.5", "latencyRatio: 0.5"));
        assertThatThrownBy(() -> Budgets.load(f))
                .hasMessageContaining(f + " line 13: tiers.critical.p95Ms was 0, must be positive")
                .hasMessageMatching("(?s).*" + java.util.regex.Pattern.quote(f.toString())
                        + " line \\d+: regression.latencyRatio was 0.5, must be at least 1.0.*");
        Files.writeString(f, text.replace("latencyFloorMs: 15", "latencyFloorMs: fifteen"));
        assertThatThrownBy(() -> Budgets.load(f)).hasMessageContaining(f + " line ")
                .hasMessageContaining("(at regression.latencyFloorMs)");
    }

    @Test
    void exactChecks_enforceWithEnoughSamples_warnWithout() {
        Budgets b = Budgets.load(FILE);
        List<Check> checks = b.check(List.of(stats("client detail", 500, 150, 200, 0), stats("vendor detail", 10, 900, 900, 0)));
        assertThat(checks).filteredOn(Check::failed).extracting(Check::subject, Check::metric)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("client detail", "p95Ms"));
        // 500 samples bound a p95 (72 needed) and a p99 (368): the p99 of 200 ms is within its 300 ms cap
        assertThat(checks).filteredOn(c -> c.subject().equals("vendor detail"))
                .allSatisfy(c -> assertThat(c.verdict()).isEqualTo(Check.Verdict.WARN));
    }

    @Test
    void errorBudget_isGlobal() {
        Budgets b = Budgets.load(FILE);
        List<Check> checks = b.check(List.of(stats("client detail", 500, 10, 20, 1), stats("vendor detail", 400, 10, 20, 0)));
        assertThat(b.assertions()).hasSize(1); // latency is judged on the exact results only
        assertThat(checks).filteredOn(Check::failed).extracting(Check::subject).containsExactly("global");
    }
}
