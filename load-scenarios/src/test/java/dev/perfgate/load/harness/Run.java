package dev.perfgate.load.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;


import dev.perfgate.reports.Calibration;
import dev.perfgate.reports.Check;
import dev.perfgate.reports.Confirmation;
import dev.perfgate.reports.RegressionGate;
import dev.perfgate.reports.RequestStats;
import dev.perfgate.reports.ResultFiles;
import dev.perfgate.reports.RunEnvironment;
import dev.perfgate.reports.RunResult;
import dev.perfgate.reports.RunValidity;

/**
 * One simulation run around Gatling: starts the service (unless {@code -Dtarget}), discovers feeder data and warms
 * up, resets every counter, measures the load generator's own health while the load runs, and after the load reads
 * the service's own figures, stops it, writes results.json, JUnit XML and the regression page under
 * {@code reports/runs/<timestamp>-<simulation>/}, and applies the budgets and the regression gate.
 *
 * <p>The verdict is applied from a shutdown hook: it runs after Gatling has written its HTML report (so the
 * regression page can link it and is copied next to it). A timing check that failed is confirmed there by a second
 * run ({@link ConfirmationRun}); then the simulation's row joins the session's summary, and the JVM halts with status
 * 2 when a check failed — the status of a failed Gatling assertion, so that Gatling's Maven plugin, with
 * {@code continueOnAssertionFailure}, runs the remaining simulations and fails the build at the end.
 */
public final class Run {
    private static final String ADMIN_TOKEN = "perfgate-load-harness-token";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final String simulation;
    private final String gatlingName;
    private final Settings settings;
    private final Budgets budgets;
    private final Feeds feeds = new Feeds();
    private final URI baseUrl;
    private final int port;
    private final Path runDir;
    private final ServiceClient service;
    private SutProcess sut;
    private Instant startedAt;
    private Capacity capacity;
    private final InjectorHealth health;

    /**
     * @param simulation  the name results and baselines are kept under
     * @param gatlingName the simulation class's simple name, which names Gatling's report directory
     */
    public Run(String simulation, String gatlingName, Settings settings, Budgets budgets) {
        this.simulation = simulation;
        this.gatlingName = gatlingName;
        this.settings = settings;
        this.budgets = budgets;
        try {
            this.port = settings.target().isPresent() ? -1 : SutProcess.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.baseUrl = settings.target().orElse(URI.create("http://127.0.0.1:" + port));
        String ownDir = System.getProperty("perfgate.runDir", "").strip(); // a confirmation run's, given by the first
        this.runDir = ownDir.isEmpty() ? settings.runsDir().resolve(STAMP.format(Instant.now()) + "-" + simulation)
                : Path.of(ownDir);
        this.service = new ServiceClient(baseUrl);
        this.health = InjectorHealth.start(budgets.validity().stallMs());
    }

    /** Makes this a capacity run: budgets are judged per level of the plan instead of over the whole run. */
    public void measureCapacity(Capacity plan) {
        this.capacity = plan;
    }

    /** Returns the base URL the scenarios load. */
    public String baseUrl() {
        return baseUrl.toString().replaceAll("/$", "");
    }

    /** Returns the feeders (filled by {@link #before()}). */
    public Feeds feeds() {
        return feeds;
    }

    /** Starts the service if needed, discovers data (which warms it up) and resets the counters. */
    public void before() {
        try {
            if (settings.target().isEmpty()) {
                System.out.printf("perfgate: starting the service (scale %s) in its own JVM on %s%n",
                        settings.profile().scale(), baseUrl);
                sut = SutProcess.start(settings.sutDir(), port, settings.profile().scale(), ADMIN_TOKEN,
                        settings.sutEnv(), runDir.resolve("service.log"));
            }
            feeds.discover(baseUrl);
            post("/api/admin/metrics/reset");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExactResults.reset();
        health.reset();
        startedAt = Instant.now();
    }

    /** Collects results, stops the service, writes the files and schedules the verdict. */
    public void after() {
        // the service's own view: per-route latency and pools, and what its query monitor saw (N+1 suspects); the
        // run's top statements are analyzed first (plan rules, verified index advice), after the load is over
        post("/api/admin/queries/analyze?top=10");
        Map<String, Object> server = new java.util.LinkedHashMap<>();
        server.put("metrics", service.getForReport("/api/performance/metrics"));
        server.put("queries", service.getForReport("/api/performance/queries"));
        if (sut != null) {
            sut.close();
        }
        long first = ExactResults.firstRequestMillis();
        ExactResults.Stalls stalls = ExactResults.Stalls.of(health.stalls());
        health.close();
        List<RunResult.CapacityLevel> levels = capacity == null ? null : capacity.evaluate(first, budgets, stalls);
        List<RequestStats> requests = ExactResults.snapshot(budgets.requests(), stalls);
        RunValidity validity = health.validity(first, ExactResults.lastResponseMillis(), budgets.validity(),
                requests.stream().mapToLong(RequestStats::injectorStalled).sum());
        List<Check> budgetChecks = capacity == null ? budgets.check(requests) : capacityChecks(levels);
        RunResult result = new RunResult(simulation, settings.profile().id(), baseUrl(), startedAt,
                ExactResults.spanSeconds(), RunEnvironment.capture(settings.profile().id(), settings.root()), requests,
                budgetChecks, server, levels, validity, RunResult.SCHEMA_VERSION);
        ResultFiles.write(runDir.resolve("results.json"), result);

        Path baselineFile = settings.baselineDir().resolve("gatling-" + simulation + "-" + settings.profile().id() + ".json");
        List<Check> checks = new ArrayList<>(budgetChecks);
        String baselineNote;
        switch (settings.baseline()) {
            case "update" -> {
                ResultFiles.write(baselineFile, result);
                baselineNote = "baseline updated: " + baselineFile;
            }
            case "off" -> baselineNote = "baseline comparison off";
            default -> {
                RunResult baseline = ResultFiles.readBaseline(baselineFile, simulation);
                checks.addAll(RegressionGate.compare(baseline, result, budgets.regression()));
                baselineNote = baseline == null ? "no baseline at " + baselineFile
                        + " yet: every request is NEW (create one with -Dbaseline=update)" : "compared with " + baselineFile;
            }
        }
        List<Check> judged = Confirmation.applyValidity(checks, validity);
        printSummary(result, judged, baselineNote);
        System.out.println("perfgate: " + validity.describe());
        writeReports(judged, validity, List.of(baselineNote), null);
        new RunVerdict(simulation, Confirmation.outcome(judged), judged, validity, runDir.toString(), null)
                .write(runDir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> verdict(judged, validity, baselineNote),
                "perfgate-verdict"));
    }

    private void writeReports(List<Check> checks, RunValidity validity, List<String> notes, String gatlingLink) {
        String title = simulation + " (" + settings.profile().id() + ")";
        Calibration.Result calibration = Calibration.read(settings.baselineDir().resolve("calibration-"
                + settings.profile().id() + ".json"));
        ResultFiles.writeJUnit(runDir.resolve("junit.xml"), simulation, checks, ExactResults.spanSeconds());
        ResultFiles.writeRegressionPage(runDir.resolve("regression.html"), new ResultFiles.Page(title, checks,
                gatlingLink, validity, notes, calibration));
    }

    /** One informational check per level: which budgets held there. Overload levels are expected to break them. */
    private static List<Check> capacityChecks(List<RunResult.CapacityLevel> levels) {
        List<Check> out = new ArrayList<>();
        for (RunResult.CapacityLevel l : levels) {
            out.add(new Check("capacity", "level " + Check.format(l.sessionsPerSecond()) + " sessions/s",
                    "budgetsHeld", 1, l.budgetsHeld() ? 1 : 0, l.budgetsHeld() ? Check.Verdict.PASS : Check.Verdict.WARN,
                    String.format("%.1f requests/s in the steady window%s", l.requestsPerSecond(),
                            l.breaches().isEmpty() ? "" : "; broke " + String.join(", ", l.breaches()))));
        }
        return out;
    }

    private void printSummary(RunResult result, List<Check> checks, String baselineNote) {
        List<RequestStats> requests = result.requests();
        System.out.println();
        System.out.printf("perfgate: %s, profile %s, exact latencies (ms; client, and the service's own as srv)%n",
                simulation, settings.profile().id());
        System.out.printf("  %-26s %8s %6s %8s %8s %8s %8s %8s %6s %9s %9s %8s%n", "request", "count", "ko", "p50",
                "p95", "p99", "max", "req/s", "sql", "srv p50", "srv p95", "stalled");
        for (RequestStats r : requests) {
            RequestStats.ServerTime srv = r.server();
            System.out.printf("  %-26s %8d %6d %8.0f %8.0f %8.0f %8.0f %8.1f %6s %9s %9s %8d%n", r.name(), r.count(),
                    r.ko(), r.p50Ms(), r.p95Ms(), r.p99Ms(), r.maxMs(), r.throughputPerSecond(),
                    r.statementsMax() < 0 ? "-" : Long.toString(r.statementsMax()),
                    srv == null ? "-" : String.format("%.3f", srv.p50Ms()),
                    srv == null ? "-" : String.format("%.3f", srv.p95Ms()), r.injectorStalled());
        }
        if (capacity != null) {
            checks.stream().filter(c -> c.group().equals("capacity"))
                    .forEach(c -> System.out.println("perfgate: capacity " + c.verdict() + " " + c.subject() + ": " + c.rule()));
            double held = result.capacitySessionsPerSecond();
            double top = capacity.levels().getLast();
            System.out.printf(held >= top
                    ? "perfgate: capacity: every budget held at every level, up to the plan's top of %s sessions/s;"
                            + " the limit is higher (extend the plan in Capacity to find it)%n"
                    : "perfgate: capacity: every budget held up to %s sessions/s%n", Check.format(held));
        }
        System.out.println("perfgate: " + baselineNote);
        checks.stream().filter(Check::failed).forEach(c -> System.out.println("perfgate: FAILED " + c.describe()));
        System.out.printf("perfgate: %d checks, %d failed; results in %s%n", checks.size(),
                checks.stream().filter(Check::failed).count(), runDir);
    }

    /**
     * After Gatling's report exists: link it, confirm a timing failure with a second run (unless this is one), write
     * the final reports, add the simulation to the session's summary, and fail on a failed check.
     */
    private void verdict(List<Check> checks, RunValidity validity, String baselineNote) {
        Path report = latestGatlingReport();
        String link = null;
        try {
            if (report != null) {
                link = runDir.relativize(report.resolve("index.html")).toString();
                Files.deleteIfExists(runDir.resolve("gatling"));
                Files.createSymbolicLink(runDir.resolve("gatling"), runDir.relativize(report));
                Files.copy(runDir.resolve("results.json"), report.resolve("results.json"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("perfgate: could not link the Gatling report: " + e);
        }
        List<String> notes = new ArrayList<>(List.of(baselineNote));
        List<Check> finalChecks = checks;
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
                finalChecks = Confirmation.combine(checks, confirmed.checks());
                notes.add("confirmed by a second run: " + second.resolve("regression.html") + " ("
                        + confirmed.outcome() + "; " + confirmed.validity().describe() + "); timing checks fail only"
                        + " when they failed in both runs");
                validity = confirmed.validity();
            } else {
                notes.add("the confirmation run could not be made; this run's verdict stands");
            }
        } else if (!settings.confirm() && Confirmation.needsConfirmation(checks)) {
            notes.add("confirmation off (-Dconfirm=false): this run's timing failures stand unconfirmed");
        }
        try {
            writeReports(finalChecks, validity, notes, link);
            if (report != null) {
                Files.copy(runDir.resolve("regression.html"), report.resolve("regression.html"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("perfgate: could not write the final reports: " + e);
        }
        Confirmation.Outcome outcome = Confirmation.outcome(finalChecks);
        RunVerdict verdict = new RunVerdict(simulation, outcome, finalChecks, validity, runDir.toString(),
                confirmation);
        verdict.write(runDir);
        if (settings.confirmationOf() != null) {
            return; // the first run judges and reports both
        }
        if (attempts == 2) {
            finalChecks.stream().filter(c -> c.failed() || c.verdict() == Check.Verdict.INVALID)
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
        Path dir = Path.of(System.getProperty("perfgate.gatlingResults", "target/gatling")).toAbsolutePath();
        String prefix = gatlingName.toLowerCase(java.util.Locale.ROOT) + "-";
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> reports = Files.list(dir)) {
            return reports.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .filter(p -> Files.exists(p.resolve("index.html")))
                    .max(Comparator.comparing(p -> p.getFileName().toString())).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private void post(String path) {
        String token = sut != null ? ADMIN_TOKEN : System.getProperty("perfgate.adminToken", "");
        if (!token.isEmpty()) { // a target started elsewhere without a token: its counters include earlier traffic
            service.post(path, token);
        }
    }
}
