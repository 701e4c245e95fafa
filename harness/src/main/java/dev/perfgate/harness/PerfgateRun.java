package dev.perfgate.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import dev.perfgate.reports.Calibration;
import dev.perfgate.reports.Check;
import dev.perfgate.reports.Confirmation;
import dev.perfgate.reports.FlameGraph;
import dev.perfgate.reports.RegressionGate;
import dev.perfgate.reports.RequestStats;
import dev.perfgate.reports.ResultFiles;
import dev.perfgate.reports.RunEnvironment;
import dev.perfgate.reports.RunResult;
import dev.perfgate.reports.ServerFigures;
import dev.perfgate.reports.RunValidity;

/**
 * One simulation's run as the harness sees it: its exact recordings, the load generator's health, and the verdict.
 * Made by {@link Perfgate#record}; judged from a JVM shutdown hook, which runs after Gatling has written its HTML
 * report: the results are written under {@code <runsDir>/<timestamp>-<simulation>/} (results.json, verdict.json,
 * junit.xml, regression.html, linked from and copied into Gatling's report), the budgets and the regression gate
 * applied, a timing failure confirmed by a second run ({@link ConfirmationRun}), the simulation's row added to the
 * session's summary, and the JVM halted with status 2 when a check failed — the status of a failed Gatling
 * assertion, so that Gatling's Maven plugin fails {@code gatling:test} (and, with
 * {@code continueOnAssertionFailure}, runs the remaining simulations first).
 */
public final class PerfgateRun {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final String simulation;
    private final String gatlingName;
    private final HarnessSettings settings;
    private final Budgets budgets;
    private final Path runDir;
    /** The trend site's page of this run's environment, once written. */
    private volatile Path trendsPage;
    private final InjectorHealth health;
    private final Set<String> targets = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile Instant startedAt = Instant.now();
    private volatile String target = "";
    private volatile ServerFigures server;
    private volatile Function<ExactResults.Stalls, List<RunResult.CapacityLevel>> capacity;
    /** The service's flight recording, once handed over; its flame graph is written beside the report. */
    private volatile Path serviceRecording;
    /** The flame graph page written from it, relative to the run directory, or null. */
    private volatile String flameGraph;
    /** A capacity run's judged levels, drawn on the regression page; null for other runs. */
    private volatile List<RunResult.CapacityLevel> capacityLevels;
    /** This run's injector shares, and its other injectors when it has some. */
    private final RunShares shares;
    /** Wall time of the judged run, all injectors together (set when it is judged). */
    private volatile double spanSeconds;

    PerfgateRun(String simulation, String gatlingName, HarnessSettings settings) {
        this.simulation = simulation;
        this.gatlingName = gatlingName;
        this.settings = settings;
        this.budgets = Budgets.load(settings.budgetsFile());
        this.runDir = settings.runDir() != null ? settings.runDir()
                : settings.runsDir().resolve(STAMP.format(Instant.now()) + "-" + simulation);
        this.health = InjectorHealth.start(budgets.validity().stallMs());
        this.shares = new RunShares(simulation, settings, budgets, runDir);
        HarnessSettings.Injection injection = settings.injection();
        if (injection.coordinatorPid() >= 0) { // injector 0's tree holds the service and every other injector
            ProcessHandle.of(injection.coordinatorPid()).ifPresent(p -> health.service(List.of(p)));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::judge, "perfgate-verdict"));
    }

    /** Returns the name results and baselines are kept under. */
    public String simulation() {
        return simulation;
    }

    /** Returns the settings. */
    public HarnessSettings settings() {
        return settings;
    }

    /** Returns the budgets file, loaded and validated. */
    public Budgets budgets() {
        return budgets;
    }

    /** Returns the directory this run writes its files to. */
    public Path runDir() {
        return runDir;
    }

    /**
     * Forgets everything recorded so far: warm-up traffic sent before this is not part of the run. In a run of
     * several injectors ({@code -Dinjectors=N}) this is also where their loads start together: injector 0 starts the
     * others here (aimed at the {@link #target} named before this call) and every injector returns at one instant,
     * so call it last in the simulation's {@code before()}.
     */
    public void restart() {
        shares.startTogether(target, health);
        ExactResults.reset();
        health.reset();
        startedAt = Instant.now();
    }

    /** Returns how many injectors share this run's load (1 unless {@code -Dinjectors=N}). */
    public int injectors() {
        return settings.injection().count();
    }

    /**
     * Returns this injector's share of an arrival rate (sessions per second): the rate divided by the number of
     * injectors, so that together they inject what the simulation asks for.
     */
    public double share(double ratePerSecond) {
        return ratePerSecond / injectors();
    }

    /**
     * Returns this injector's share of a number of concurrent users: whole users, spread so that the shares add up
     * to the total (3 over 2 injectors: 1 and 2). A share may be 0.
     */
    public int share(int users) {
        return (users + settings.injection().index()) / injectors();
    }

    /**
     * In a run of several injectors, injector 0 waits here for the others to finish their load (up to
     * {@code perfgate.injectorWaitSeconds}): call it in {@code after()} before stopping a service the others still
     * load or reading its figures. Returns at once in a run of one injector and in the others.
     */
    public void awaitInjectors() {
        shares.awaitOthers();
    }

    /** Names the service under load in the results (default: the scheme, host and port the requests went to). */
    public void target(String url) {
        this.target = url;
    }

    /**
     * Attaches the service's own figures to the results ({@code server} in results.json); a service that offers an
     * N+1 report ({@code queries.nPlusOneSuspects}) gets it compared exactly. Optional: a service without such
     * figures simply has none.
     */
    public void serverFigures(ServerFigures figures) {
        this.server = figures;
    }

    /** Makes this a capacity run: budgets are judged per level by the evaluator instead of over the whole run. */
    public void capacity(Function<ExactResults.Stalls, List<RunResult.CapacityLevel>> evaluator) {
        if (shares.shared()) {
            throw new IllegalStateException("perfgate.injectors is " + injectors() + ": a capacity run judges its"
                    + " levels while it runs, from one injector's answers; run it with one injector");
        }
        this.capacity = evaluator;
    }

    /**
     * Returns the load generator's stalls measured so far: a capacity run judging its levels while it runs excludes
     * them as the final verdict will.
     */
    public ExactResults.Stalls stallsSoFar() {
        return ExactResults.Stalls.of(health.stalls());
    }

    /**
     * Returns who used the machine's CPU between two instants (epoch ms): the load generator, the service (once
     * declared with {@link #serviceProcesses}) and other work; null when no once-a-second sample fell in between.
     */
    public RunResult.MachineCpu cpuBetween(long fromMillis, long toMillis) {
        return health.cpuBetween(fromMillis, toMillis);
    }

    /**
     * Hands over a JDK Flight Recorder file of the service for this run (a service started with
     * {@code -XX:StartFlightRecording}; the file must be complete, i.e. the service stopped or the recording dumped):
     * its flame graph is written to {@code flamegraph.html} in the run directory, and the regression page links it
     * beside every failed check, so that a regression comes with where the service's CPU went. Optional.
     */
    public void serviceProfile(Path jfr) {
        this.serviceRecording = jfr;
    }

    /**
     * Declares the service's process when it runs on this machine (its children, such as an embedded database,
     * count with it): CPU used by neither it nor the load generator is then measured as competing work, and a run
     * with too much of it is invalid instead of a regression.
     */
    public void serviceProcesses(List<ProcessHandle> processes) {
        health.service(List.copyOf(processes));
    }

    void sawTarget(String schemeHostPort) {
        targets.add(schemeHostPort);
    }

    /** The shutdown hook: results, gate, confirmation, summary, exit status. */
    private void judge() {
        try {
            if (!settings.injection().judges()) {
                shares.write(health, ExactResults.Stalls.of(health.stalls()));
                System.out.println("perfgate: injector " + settings.injection().index() + " of " + injectors()
                        + " wrote its share to " + shares.dir() + "; injector 0 merges and judges");
                System.out.flush();
                Runtime.getRuntime().halt(0);
                return;
            }
            Judged judged = evaluate();
            if (judged == null) {
                Runtime.getRuntime().halt(2); // nothing to judge: said why; never a pass
                return;
            }
            verdict(judged);
        } catch (RuntimeException e) {
            System.err.println("perfgate: " + simulation + ": " + e.getMessage());
            System.err.flush();
            Runtime.getRuntime().halt(2);
        }
    }

    private record Judged(List<Check> checks, RunValidity validity, String baselineNote) {
    }

    /** Computes and writes the results and the first verdict; null when there is nothing to judge (said why). */
    private Judged evaluate() {
        ExactResults.Stalls stalls = ExactResults.Stalls.of(health.stalls());
        shares.write(health, stalls);
        InjectorMerge.Merged merged = shares.merge();
        List<RequestStats> requests = merged.requests();
        spanSeconds = merged.spanSeconds();
        String where = !target.isEmpty() ? target : String.join(", ", new TreeSet<>(targets));
        if (requests.stream().mapToLong(r -> r.count() - r.errorsByCause().getOrDefault("no_response", 0L)).sum() == 0) {
            System.err.println("perfgate: " + simulation + ": the target " + (where.isEmpty() ? "" : where + " ")
                    + "did not answer a single request (" + requests.stream().mapToLong(RequestStats::count).sum()
                    + " sent): is the service running and the base URL right? No verdict.");
            return null;
        }
        Set<String> budgeted = new TreeSet<>(budgets.requests().keySet());
        if (requests.stream().noneMatch(r -> budgeted.contains(r.name()))) {
            System.err.println("perfgate: " + simulation + ": " + settings.budgetsFile() + " has a budget for none of"
                    + " the requests this simulation sent (" + requests.stream().map(RequestStats::name).toList()
                    + "): list them under requests with their tier. No verdict.");
            return null;
        }
        List<RunResult.CapacityLevel> levels = capacity == null ? null : capacity.apply(stalls);
        capacityLevels = levels;
        writeFlameGraph();
        RunValidity validity = merged.validity();
        List<Check> budgetChecks = levels == null ? budgets.check(requests) : CapacityVerdict.checks(levels);
        RunResult result = new RunResult(simulation, settings.profile(), where, startedAt, spanSeconds,
                RunEnvironment.capture(settings.profile(), Path.of("").toAbsolutePath()), requests, budgetChecks,
                server == null ? ServerFigures.NONE : server, levels, validity, RunResult.SCHEMA_VERSION);
        ResultFiles.write(runDir.resolve("results.json"), result);

        Path baselineFile = settings.baselineDir().resolve("gatling-" + simulation + "-" + settings.profile() + ".json");
        List<Check> checks = new ArrayList<>(budgetChecks);
        String baselineNote;
        Instant accepted = null; // the trend gate accepts what started before the baseline was recorded
        switch (settings.baseline()) {
            case UPDATE -> {
                ResultFiles.write(baselineFile, result);
                baselineNote = "baseline updated: " + baselineFile;
                accepted = result.startedAt();
            }
            case OFF -> baselineNote = "baseline comparison off";
            default -> {
                RunResult baseline = ResultFiles.readBaseline(baselineFile, simulation);
                List<Check> regression = RegressionGate.compare(baseline, result, budgets.regression());
                checks.addAll(levels == null ? regression : CapacityVerdict.voidMachineBoundDrop(regression, levels,
                        budgets.validity().invalidForeignCpuPercent()));
                baselineNote = baseline == null ? "no baseline at " + baselineFile
                        + " yet: every request is NEW (create one with -Dperfgate.baseline=update)"
                        : "compared with " + baselineFile;
                accepted = baseline == null ? null : baseline.startedAt();
            }
        }
        RunHistory.Judged trend = RunHistory.judge(settings, runDir.getFileName().toString(), result, accepted);
        checks.addAll(trend.checks());
        trendsPage = trend.trendsPage();
        List<Check> judged = Confirmation.applyValidity(checks, validity);
        VerdictTable.print(simulation, settings.profile(), runDir, result, judged, baselineNote, levels);
        System.out.println("perfgate: " + validity.describe());
        writeReports(judged, validity, List.of(baselineNote), null);
        new RunVerdict(simulation, Confirmation.outcome(judged), judged, validity, runDir.toString(), null)
                .write(runDir);
        return new Judged(judged, validity, baselineNote);
    }

    /** Writes the flame graph of the service's recording, if one was handed over; a bad file is reported, not fatal. */
    private void writeFlameGraph() {
        Path jfr = serviceRecording;
        if (jfr == null) {
            return;
        }
        if (!Files.isRegularFile(jfr)) {
            System.err.println("perfgate: no flame graph: the service's recording " + jfr + " was not written (did the"
                    + " service stop cleanly?)");
            return;
        }
        try {
            long first = ExactResults.firstRequestMillis();
            long last = ExactResults.lastResponseMillis();
            String hottest = FlameGraph.write(jfr, runDir.resolve("flamegraph.html"), simulation + ": where the"
                    + " service's CPU went", first < 0 ? null : Instant.ofEpochMilli(first),
                    last < 0 ? null : Instant.ofEpochMilli(last));
            flameGraph = "flamegraph.html";
            System.out.println("perfgate: flame graph of the service: " + runDir.resolve("flamegraph.html")
                    + (hottest == null ? " (no CPU samples)" : " (most CPU of its own: " + hottest + ")"));
        } catch (RuntimeException e) {
            System.err.println("perfgate: no flame graph: " + e.getMessage());
        }
    }

    private void writeReports(List<Check> checks, RunValidity validity, List<String> notes, String gatlingLink) {
        String title = simulation + " (" + settings.profile() + ")";
        Calibration.Result calibration = Calibration.read(settings.baselineDir().resolve("calibration-"
                + settings.profile() + ".json"));
        ResultFiles.writeJUnit(runDir.resolve("junit.xml"), simulation, checks, spanSeconds);
        ResultFiles.writeRegressionPage(runDir.resolve("regression.html"), new ResultFiles.Page(title, checks,
                gatlingLink, validity, notes, calibration, trendsPage == null ? null : trendsPage.toUri().toString(),
                flameGraph, capacityLevels));
    }

    /**
     * After Gatling's report exists: link it, confirm a timing failure with a second run (unless this is one), write
     * the final reports, add the simulation to the session's summary, and fail on a failed check.
     */
    private void verdict(Judged first) {
        Path report = latestGatlingReport();
        String link = null;
        try {
            if (report != null) {
                link = runDir.relativize(report.resolve("index.html")).toString();
                Files.deleteIfExists(runDir.resolve("gatling"));
                Files.createSymbolicLink(runDir.resolve("gatling"), runDir.relativize(report));
                Files.copy(runDir.resolve("results.json"), report.resolve("results.json"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("perfgate: could not link the Gatling report: " + e);
        }
        List<String> notes = new ArrayList<>(List.of(first.baselineNote()));
        List<Check> checks = first.checks();
        RunValidity validity = first.validity();
        int attempts = 1;
        String confirmation = null;
        if (settings.confirmationOf() != null) {
            notes.add("confirmation run of " + settings.confirmationOf());
        } else if (settings.confirm() && Confirmation.needsConfirmation(checks)) {
            System.out.println("perfgate: " + simulation + ": a timing check failed" + (validity.valid() ? ""
                    : " (in an invalid run)") + "; running the simulation once more to confirm it");
            Path second = Path.of(runDir + "-confirmation");
            RunVerdict confirmed = ConfirmationRun.run(runDir, second, settings.baseline());
            if (confirmed != null) {
                attempts = 2;
                confirmation = second.toString();
                checks = Confirmation.combine(checks, confirmed.checks());
                notes.add("confirmed by a second run: " + second.resolve("regression.html") + " ("
                        + confirmed.outcome() + "; " + confirmed.validity().describe() + "); timing checks fail only"
                        + " when they failed in both runs");
                validity = confirmed.validity();
            } else {
                notes.add("the confirmation run could not be made; this run's verdict stands");
            }
        } else if (!settings.confirm() && Confirmation.needsConfirmation(checks)) {
            notes.add("confirmation off (-Dperfgate.confirm=false): this run's timing failures stand unconfirmed");
        }
        try {
            writeReports(checks, validity, notes, link);
            if (report != null) {
                Files.copy(runDir.resolve("regression.html"), report.resolve("regression.html"),
                        StandardCopyOption.REPLACE_EXISTING);
                GatlingReport.banner(report.resolve("index.html"), Confirmation.outcome(checks), checks,
                        trendsPage == null ? null : trendsPage.toUri().toString());
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("perfgate: could not write the final reports: " + e);
        }
        Confirmation.Outcome outcome = Confirmation.outcome(checks);
        RunVerdict verdict = new RunVerdict(simulation, outcome, checks, validity, runDir.toString(), confirmation);
        verdict.write(runDir);
        if (settings.confirmationOf() != null) {
            return; // the first run judges and reports both
        }
        if (attempts == 2) {
            checks.stream().filter(c -> c.failed() || c.verdict() == Check.Verdict.INVALID)
                    .forEach(c -> System.out.println("perfgate: after confirmation " + c.describe()));
        }
        SessionSummary.record(settings.summaryDir(), settings.session(), verdict, attempts);
        switch (outcome) {
            case FAIL -> {
                System.err.println("perfgate: " + simulation + " failed its budgets or the regression gate; see "
                        + runDir.resolve("regression.html"));
                System.err.flush();
                Runtime.getRuntime().halt(2);
            }
            case INVALID -> System.err.println("perfgate: " + simulation + ": INVALID RUN, not a verdict on the"
                    + " service: " + validity.describe());
            case PASS -> { }
        }
    }

    private Path latestGatlingReport() {
        return GatlingReport.latest(settings.gatlingResults(), gatlingName);
    }
}
