package dev.perfgate.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegressionGateTest {
    private static final Tolerance T = new Tolerance(1.5, 15, 0.5, 0.8, 50);

    private static RequestStats stats(String name, double p95, double p99, long ko, double throughput, long statements) {
        return new RequestStats(name, "standard", 1000, 1000 - ko, ko, Map.of(), 1, 5, 8, p95, p99, p99 + 5, p99 + 10,
                6, throughput, statements, statements);
    }

    private static RunResult run(RequestStats... requests) {
        return new RunResult("PeakDaySimulation", "ci", "http://127.0.0.1:1", Instant.EPOCH, 60,
                RunEnvironment.capture("ci"), List.of(requests), List.of(), ServerFigures.NONE, null);
    }

    private static List<Check> failed(List<Check> checks) {
        return checks.stream().filter(Check::failed).toList();
    }

    @Test
    void unchangedRun_passesAgainstItself() {
        RunResult r = run(stats("client detail", 20, 40, 0, 10, 1), stats("budget", 30, 60, 1, 5, 3));
        List<Check> checks = RegressionGate.compare(r, r, T);
        assertThat(checks).hasSize(12).noneMatch(Check::failed); // p50, p95, p99, errors, throughput, statements
    }

    @Test
    void latency_mustExceedBothRatioAndFloor() {
        RunResult base = run(stats("fast", 4, 8, 0, 10, 1), stats("slow", 100, 150, 0, 10, 1));
        // fast: 4 -> 12 ms is 3x but only +8 ms (noise); slow: 100 -> 160 ms is 1.6x and +60 ms (regression)
        RunResult now = run(stats("fast", 12, 20, 0, 10, 1), stats("slow", 160, 200, 0, 10, 1));
        List<Check> failed = failed(RegressionGate.compare(base, now, T));
        assertThat(failed).extracting(Check::subject, Check::metric).containsExactly(
                org.assertj.core.groups.Tuple.tuple("slow", "p95Ms"));
    }

    @Test
    void oneMoreStatement_isARegressionWhateverTheTiming() {
        RunResult base = run(stats("budget", 30, 60, 0, 5, 3));
        RunResult now = run(stats("budget", 25, 50, 0, 5, 4));
        assertThat(failed(RegressionGate.compare(base, now, T))).singleElement()
                .satisfies(c -> {
                    assertThat(c.metric()).isEqualTo("statementsMax");
                    assertThat(c.describe()).contains("budget").contains("expected 3").contains("actual 4");
                });
    }

    @Test
    void errorsAndThroughput_haveTheirAllowances() {
        RunResult base = run(stats("a", 10, 20, 0, 10, 1), stats("b", 10, 20, 0, 10, 1));
        RunResult now = run(stats("a", 10, 20, 10, 10, 1), stats("b", 10, 20, 0, 7, 1)); // +1 point errors; -30 %
        assertThat(failed(RegressionGate.compare(base, now, T))).extracting(Check::subject, Check::metric)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("a", "errorPercent"),
                        org.assertj.core.groups.Tuple.tuple("b", "throughputPerSecond"));
    }

    @Test
    void throughput_ofARareBranch_isJudgedByItsCountsIntervals() {
        // "vendor search next page": 49 requests in one run and 38 in the next, the same build
        RequestStats base = new RequestStats("next page", "standard", 49, 49, 0, Map.of(), 1, 5, 8, 20, 30, 30, 30, 6,
                0.69, 1, 1);
        RequestStats now = new RequestStats("next page", "standard", 38, 38, 0, Map.of(), 1, 5, 8, 20, 30, 30, 30, 6,
                0.54, 1, 1);
        assertThat(Tolerance.DEFAULT.throughput("next page", base, now).verdict()).isEqualTo(Check.Verdict.WARN);
        RequestStats many = new RequestStats("list", "standard", 4900, 4900, 0, Map.of(), 1, 5, 8, 20, 30, 30, 30, 6,
                69, 1, 1);
        RequestStats fewer = new RequestStats("list", "standard", 3000, 3000, 0, Map.of(), 1, 5, 8, 20, 30, 30, 30, 6,
                42.6, 1, 1); // 0.62x, far outside what 4,900 and 3,000 requests can wobble
        assertThat(Tolerance.DEFAULT.throughput("list", many, fewer).verdict()).isEqualTo(Check.Verdict.FAIL);
        assertThat(Tolerance.DEFAULT.zScore()).isCloseTo(1.96, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void newAndMissingRequests() {
        RunResult base = run(stats("old", 10, 20, 0, 10, 1));
        RunResult now = run(stats("new", 10, 20, 0, 10, 1));
        List<Check> checks = RegressionGate.compare(base, now, T);
        assertThat(checks).anySatisfy(c -> assertThat(c.verdict()).isEqualTo(Check.Verdict.NEW));
        assertThat(failed(checks)).singleElement().satisfies(c -> assertThat(c.subject()).isEqualTo("old"));
        assertThat(RegressionGate.compare(null, now, T)).allMatch(c -> c.verdict() == Check.Verdict.NEW);
    }

    @Test
    void fewSamples_timingIsWarnedNotFailed_butStatementsStillFail() {
        RequestStats base = new RequestStats("rare", "standard", 5, 5, 0, Map.of(), 1, 5, 8, 20, 30, 30, 30, 6, 1, 3, 3);
        RequestStats now = new RequestStats("rare", "standard", 5, 5, 0, Map.of(), 1, 5, 8, 90, 95, 95, 95, 6, 0.2, 4, 4);
        List<Check> checks = RegressionGate.compare(run(base), run(now), T);
        assertThat(checks).filteredOn(c -> c.metric().equals("p95Ms")).singleElement()
                .satisfies(c -> assertThat(c.verdict()).isEqualTo(Check.Verdict.WARN));
        assertThat(checks).filteredOn(c -> c.metric().equals("throughputPerSecond")).singleElement()
                .satisfies(c -> assertThat(c.verdict()).isEqualTo(Check.Verdict.WARN));
        assertThat(failed(checks)).extracting(Check::metric).containsExactly("statementsMax");
    }

    @Test
    void p99_needsSamplesBeyondIt_aP95Fewer() { // 100 samples: enough to bound a p95 (72), not a p99 (368)
        RequestStats base = new RequestStats("mid", "standard", 100, 100, 0, Map.of(), 1, 5, 8, 20, 30, 30, 30, 6, 1, 3, 3);
        RequestStats now = new RequestStats("mid", "standard", 100, 100, 0, Map.of(), 1, 5, 8, 90, 95, 95, 95, 6, 1, 3, 3);
        List<Check> checks = RegressionGate.compare(run(base), run(now), T);
        assertThat(checks).filteredOn(c -> c.metric().equals("p95Ms")).singleElement()
                .satisfies(c -> assertThat(c.verdict()).isEqualTo(Check.Verdict.FAIL));
        assertThat(checks).filteredOn(c -> c.metric().equals("p99Ms")).singleElement()
                .satisfies(c -> assertThat(c.verdict()).isEqualTo(Check.Verdict.WARN));
    }

    @Test
    void rareRequestMissing_isWarned_commonOneFails() {
        RequestStats rare = new RequestStats("rare", "standard", 5, 5, 0, Map.of(), 1, 5, 8, 20, 30, 30, 30, 6, 1, 3, 3);
        List<Check> checks = RegressionGate.compare(run(rare, stats("common", 10, 20, 0, 10, 1)),
                run(stats("other", 10, 20, 0, 10, 1)), T);
        assertThat(checks).filteredOn(c -> c.subject().equals("rare")).singleElement()
                .satisfies(c -> assertThat(c.verdict()).isEqualTo(Check.Verdict.WARN));
        assertThat(failed(checks)).extracting(Check::subject).containsExactly("common");
    }

    @Test
    void capacity_lowerThanTheBaselineByMoreThanTheRatio_fails() {
        RunResult base = withCapacity(run(stats("a", 10, 20, 0, 10, 1)), 2, 4, 8);
        assertThat(base.capacitySessionsPerSecond()).isEqualTo(8);
        assertThat(failed(RegressionGate.compare(base, withCapacity(run(stats("a", 10, 20, 0, 10, 1)), 2, 4, 8), T)))
                .isEmpty();
        assertThat(failed(RegressionGate.compare(base, withCapacity(run(stats("a", 10, 20, 0, 10, 1)), 2, 4), T)))
                .singleElement().satisfies(c -> assertThat(c.subject()).isEqualTo("capacity"));
    }

    private static RunResult withCapacity(RunResult r, double... heldRates) {
        List<RunResult.CapacityLevel> levels = new java.util.ArrayList<>();
        for (double rate : heldRates) {
            levels.add(new RunResult.CapacityLevel(rate, rate * 5, true, List.of()));
        }
        levels.add(new RunResult.CapacityLevel(100, 300, false, List.of("client detail p95Ms")));
        return new RunResult(r.simulation(), r.profile(), r.target(), r.startedAt(), r.durationSeconds(),
                r.environment(), r.requests(), r.budgets(), r.server(), levels);
    }

    @Test
    void newNPlusOneSuspect_failsNamingItsRoute() {
        RunResult base = withServer(run(stats("a", 10, 20, 0, 10, 1)), List.of());
        RunResult now = withServer(run(stats("a", 10, 20, 0, 10, 1)), List.of(Map.of("route",
                "GET /api/clients/{id}/budget", "fingerprint", "select * from payments where budget_item_id = ?")));
        List<Check> failed = failed(RegressionGate.compare(base, now, T));
        assertThat(failed).extracting(Check::subject)
                .containsExactly("n+1 suspects GET /api/clients/{id}/budget", "n+1 suspects");
        assertThat(failed(RegressionGate.compare(now, now, T))).isEmpty();
        assertThat(RegressionGate.compare(run(stats("a", 10, 20, 0, 10, 1)), now, T))
                .noneMatch(c -> c.subject().startsWith("n+1")); // no report in the baseline: nothing to compare
    }

    private static RunResult withServer(RunResult r, List<Map<String, Object>> suspects) {
        return new RunResult(r.simulation(), r.profile(), r.target(), r.startedAt(), r.durationSeconds(),
                r.environment(), r.requests(), r.budgets(),
                new ServerFigures(null, ResultFiles.MAPPER.valueToTree(Map.of("nPlusOneSuspects", suspects))),
                r.capacity());
    }

    @Test
    void tolerance_rejectsNonsense() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Tolerance(0.9, 1, 1, 0.8, 1))
                .hasMessage("latencyRatio was 0.9, must be at least 1.0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Tolerance(1.5, 1, 1, 1.2, 1))
                .hasMessage("throughputRatio was 1.2, must be in (0, 1]");
    }

    @Test
    void compareRuns_exitStatusFollowsTheVerdict(@TempDir Path dir) {
        Path base = dir.resolve("base.json");
        Path same = dir.resolve("same.json");
        Path worse = dir.resolve("worse.json");
        ResultFiles.write(base, run(stats("budget", 30, 60, 0, 5, 3)));
        ResultFiles.write(same, run(stats("budget", 31, 61, 0, 5, 3)));
        ResultFiles.write(worse, run(stats("budget", 30, 60, 0, 5, 4)));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream print = new java.io.PrintStream(out, true);
        assertThat(CompareRuns.run(new String[] {base.toString(), same.toString()}, print, print)).isZero();
        assertThat(CompareRuns.run(new String[] {base.toString(), worse.toString()}, print, print)).isEqualTo(1);
        assertThat(out.toString()).contains("FAIL regression budget").contains("1 failed");
        assertThat(CompareRuns.run(new String[] {base.toString()}, print, print)).isEqualTo(2);
        assertThat(CompareRuns.run(new String[] {base.toString(), same.toString(), "0.5", "1", "1", "1", "1"}, print,
                print)).isEqualTo(2);
        assertThat(out.toString()).contains("bad tolerance: latencyRatio was 0.5");
    }

    @Test
    void files_roundTripAndRender(@TempDir Path dir) throws Exception {
        RunResult base = run(stats("budget", 30, 60, 0, 5, 3));
        RunResult now = run(stats("budget", 25, 50, 0, 5, 4));
        ResultFiles.write(dir.resolve("results.json"), now);
        assertThat(ResultFiles.read(dir.resolve("results.json"))).isEqualTo(now);
        assertThat(ResultFiles.read(dir.resolve("absent.json"))).isNull();

        List<Check> checks = RegressionGate.compare(base, now, T);
        ResultFiles.writeJUnit(dir.resolve("junit.xml"), "PeakDaySimulation", checks, 60);
        String xml = Files.readString(dir.resolve("junit.xml"));
        assertThat(xml).contains("tests=\"" + checks.size() + "\" failures=\"1\"")
                .contains("<testcase classname=\"PeakDaySimulation.regression\" name=\"budget statementsMax\"")
                .contains("<failure");
        ResultFiles.writeRegressionPage(dir.resolve("regression.html"), new ResultFiles.Page("PeakDay <ci>", checks,
                "../gatling/index.html", null, List.of(), null));
        assertThat(Files.readString(dir.resolve("regression.html"))).contains("FAIL: 1 check(s) failed")
                .contains("PeakDay &lt;ci&gt;").contains("<tr class=FAIL>").contains("href=\"../gatling/index.html\"");
    }

    @Test
    void aFailedCheckLinksTheServicesFlameGraph(@TempDir Path dir) throws Exception {
        List<Check> checks = RegressionGate.compare(run(stats("budget", 30, 60, 0, 5, 3)),
                run(stats("budget", 25, 50, 0, 5, 4)), T);
        ResultFiles.writeRegressionPage(dir.resolve("regression.html"), new ResultFiles.Page("PeakDay", checks, null,
                null, List.of(), null, null, "flamegraph.html", null));
        String page = Files.readString(dir.resolve("regression.html"));
        assertThat(page).contains("id=\"flamegraph\"");
        long failed = checks.stream().filter(Check::failed).count();
        assertThat(failed).isPositive();
        assertThat(page.split("class=profile href=\"flamegraph.html\"", -1)).hasSize((int) failed + 1);
    }

    @Test
    void theKneeIsTheHighestLevelThatHeldWithTheFirstBrokenLevelAboveIt(@TempDir Path dir) throws Exception {
        List<RunResult.CapacityLevel> levels = List.of(
                new RunResult.CapacityLevel(50, 250, true, List.of()),
                new RunResult.CapacityLevel(100, 490, false, List.of("client detail p99 130")), // a blip below
                new RunResult.CapacityLevel(150, 740, true, List.of()),
                new RunResult.CapacityLevel(200, 900, false, List.of("vendor search p95 260", "client list p95 240")),
                new RunResult.CapacityLevel(250, 910, false, List.of("health p95 80")));
        RunResult.Knee knee = RunResult.Knee.of(levels);
        assertThat(knee.sessionsPerSecond()).isEqualTo(150);
        assertThat(knee.requestsPerSecond()).isEqualTo(740);
        assertThat(knee.brokenAt().sessionsPerSecond()).isEqualTo(200);
        assertThat(knee.brokenBelow()).containsExactly(100.0);
        assertThat(knee.describe()).contains("held at 150 sessions/s (740 requests/s) (and below it, but for 100"
                        + " sessions/s, which broke one)")
                .contains("at 200 sessions/s (900 requests/s) first broke vendor search p95 260, client list p95 240");

        RunResult.Knee unreached = RunResult.Knee.of(levels.subList(0, 1));
        assertThat(unreached.brokenAt()).isNull();
        assertThat(unreached.describe()).contains("limit is higher");
        assertThat(RunResult.Knee.of(levels.subList(1, 2)).describe()).startsWith("no level held every budget");

        RunResult result = new RunResult("Capacity", "ci", "http://127.0.0.1:1", java.time.Instant.EPOCH, 60, null,
                List.of(), List.of(), ServerFigures.NONE, levels);
        ResultFiles.write(dir.resolve("capacity.json"), result);
        assertThat(Files.readString(dir.resolve("capacity.json"))).contains("\"capacityKnee\"");
        assertThat(ResultFiles.read(dir.resolve("capacity.json"))).isEqualTo(result); // read back, knee ignored

        ResultFiles.writeRegressionPage(dir.resolve("regression.html"), new ResultFiles.Page("Capacity", List.of(), null,
                null, List.of(), null, null, null, levels));
        String page = Files.readString(dir.resolve("regression.html"));
        assertThat(page.indexOf("<figure id=capacity>")).isPositive();
        assertThat(page.split("<rect class=\"level ", -1)).hasSize(levels.size() + 1);
        assertThat(page.split("<rect class=\"level broke\"", -1)).hasSize(3 + 1);
        assertThat(page).contains("id=knee").contains("<title>150 sessions/s: 740 requests/s, every budget held</title>")
                .contains("<figcaption>" + ResultFiles.xml(knee.describe()) + "</figcaption>");
        assertThat(page).doesNotContain("service-cpu"); // levels without CPU shares (older results) draw none
    }

    @Test
    void eachCapacityLevelSaysWhoHadTheMachine_theKneeNamesItWhereItBroke(@TempDir Path dir) throws Exception {
        RunResult.MachineCpu quiet = new RunResult.MachineCpu(61.5, 24.0, 33.5, 4.0);
        RunResult.MachineCpu saturated = new RunResult.MachineCpu(99.4, 36.2, 44.8, 18.4);
        List<RunResult.CapacityLevel> levels = List.of(
                new RunResult.CapacityLevel(300, 1500, true, List.of(), quiet),
                new RunResult.CapacityLevel(400, 1900, false, List.of("book vendor p95Ms 2403"), saturated));
        assertThat(saturated.describe())
                .isEqualTo("machine 99 % busy: service 45 %, load generator 36 %, other work 18 %");
        assertThat(new RunResult.MachineCpu(80, 30, -1, -1).describe()).isEqualTo("machine 80 % busy: load generator 30 %");
        assertThat(RunResult.Knee.of(levels).describe()).endsWith("first broke book vendor p95Ms 2403 (machine 99 %"
                + " busy: service 45 %, load generator 36 %, other work 18 %)");

        RunResult result = new RunResult("Capacity", "ci", "http://127.0.0.1:1", java.time.Instant.EPOCH, 60, null,
                List.of(), List.of(), ServerFigures.NONE, levels);
        ResultFiles.write(dir.resolve("capacity.json"), result);
        assertThat(ResultFiles.read(dir.resolve("capacity.json"))).isEqualTo(result);

        ResultFiles.writeRegressionPage(dir.resolve("regression.html"), new ResultFiles.Page("Capacity", List.of(), null,
                null, List.of(), null, null, null, levels));
        String page = Files.readString(dir.resolve("regression.html"));
        assertThat(page).contains(">34%</text>").contains(">45%</text>")
                .contains("the service's share of the machine's CPU")
                .contains("<title>400 sessions/s: 1900 requests/s, broke book vendor p95Ms 2403; machine 99 % busy:");
    }
}
