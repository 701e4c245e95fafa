package dev.perfgate.load.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.perfgate.reports.RequestStats;
import dev.perfgate.reports.ResultFiles;
import dev.perfgate.reports.RunResult;

/**
 * Reads what the three smoke runs of {@code ./mvnw verify} wrote (see load-scenarios/pom.xml): every scenario ran
 * with every file written, the unchanged run passed against its fresh baseline, and the run with the injected
 * regression failed naming exactly that route.
 */
class GateVerificationIT {
    private static final Path DIR = Path.of(System.getProperty("perfgate.verifyDir", "target/verify"));

    /** Returns the newest run of an execution (an earlier verify without clean leaves older ones beside it). */
    private static Path latestRun(String execution) throws IOException {
        try (Stream<Path> runs = Files.list(DIR.resolve("runs").resolve(execution))) {
            return runs.filter(Files::isDirectory).max(java.util.Comparator.comparing(p -> p.getFileName().toString()))
                    .orElseThrow(() -> new AssertionError("no run of " + execution + " under " + DIR));
        }
    }

    @Test
    void smoke_everyScenarioRan_andEveryFileWasWritten() throws IOException {
        Path run = latestRun("smoke-compare");
        RunResult result = ResultFiles.read(run.resolve("results.json"));
        assertThat(result.profile()).isEqualTo("smoke");
        assertThat(result.environment().availableProcessors()).isPositive();
        // one request of each scenario: planner, couple, phone, analyst, monitor
        assertThat(result.requests()).extracting(RequestStats::name)
                .contains("client budget", "vendor search", "notifications", "analytics dashboard", "health");
        assertThat(result.requests()).allSatisfy(r -> assertThat(r.ko()).as(r.name()).isZero());
        assertThat(result.requests()).filteredOn(r -> r.name().equals("client detail")).singleElement()
                .satisfies(r -> assertThat(r.statementsMax()).isEqualTo(1));
        assertThat(result.server()).containsKeys("metrics", "queries");
        // the run's own top statements, analyzed by the service at the end of the run
        @SuppressWarnings("unchecked")
        Map<String, Object> analysis = (Map<String, Object>) ((Map<String, Object>) result.server().get("queries"))
                .get("analysis");
        assertThat(analysis).as("analysis of the run's top statements").isNotNull();
        assertThat((List<?>) analysis.get("statements")).hasSize(10);
        assertThat(run.resolve("junit.xml")).exists();
        assertThat(run.resolve("regression.html")).exists();
        assertThat(run.resolve("gatling").resolve("index.html")).exists();
        assertThat(run.resolve("gatling").resolve("regression.html")).exists();
        assertThat(DIR.resolve("baselines").resolve("gatling-PeakDaySimulation-smoke.json")).exists();
    }

    @Test
    void unchangedRun_passesAgainstItsFreshBaseline() throws IOException {
        String junit = Files.readString(latestRun("smoke-compare").resolve("junit.xml"));
        assertThat(junit).contains("failures=\"0\"").contains("PeakDaySimulation.regression");
    }

    @Test
    void injectedRegression_failsNamingTheRoute() throws IOException {
        Path run = latestRun("smoke-regression");
        String junit = Files.readString(run.resolve("junit.xml"));
        assertThat(junit).contains("name=\"client budget statementsMax\"").contains("<failure");
        // every failure names the regressed route and nothing else
        List<String> failures = List.of(junit.split("<failure")).subList(1, junit.split("<failure").length);
        // the route is named by its request name (statements) and by its path (the service's N+1 suspect)
        assertThat(failures).isNotEmpty().allSatisfy(failure -> assertThat(failure).containsAnyOf("client budget",
                "/api/clients/{id}/budget"));
        assertThat(junit).contains("name=\"n+1 suspects GET /api/clients/{id}/budget suspect\"");
        assertThat(Files.readString(run.resolve("regression.html"))).contains("check(s) failed")
                .contains("client budget");
    }
}
