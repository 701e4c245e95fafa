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


import dev.perfgate.reports.Check;
import dev.perfgate.reports.RegressionGate;
import dev.perfgate.reports.RequestStats;
import dev.perfgate.reports.ResultFiles;
import dev.perfgate.reports.RunEnvironment;
import dev.perfgate.reports.RunResult;

/**
 * One simulation run around Gatling: starts the service (unless {@code -Dtarget}), discovers feeder data and warms
 * up, resets every counter, and after the load reads the service's own figures, stops it, writes results.json,
 * JUnit XML and the regression page under {@code reports/runs/<timestamp>-<simulation>/}, and applies the budgets
 * and the regression gate.
 *
 * <p>The verdict is applied from a shutdown hook: it runs after Gatling has written its HTML report (so the
 * regression page can link it and is copied next to it), and halts the JVM with status 3 when a check failed, which
 * fails {@code gatling:test} like a failed Gatling assertion does.
 */
public final class Run {
    private static final String ADMIN_TOKEN = "perfgate-load-harness-token";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final String simulation;
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

    public Run(String simulation, Settings settings, Budgets budgets) {
        this.simulation = simulation;
        this.settings = settings;
        this.budgets = budgets;
        try {
            this.port = settings.target().isPresent() ? -1 : SutProcess.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.baseUrl = settings.target().orElse(URI.create("http://127.0.0.1:" + port));
        this.runDir = settings.runsDir().resolve(STAMP.format(Instant.now()) + "-" + simulation);
        this.service = new ServiceClient(baseUrl);
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
        List<RunResult.CapacityLevel> levels = capacity == null ? null : capacity.evaluate(first, budgets);
        List<RequestStats> requests = ExactResults.snapshot(budgets.requests());
        List<Check> budgetChecks = capacity == null ? budgets.check(requests) : capacityChecks(levels);
        RunResult result = new RunResult(simulation, settings.profile().id(), baseUrl(), startedAt,
                ExactResults.spanSeconds(), RunEnvironment.capture(settings.profile().id(), settings.root()), requests,
                budgetChecks, server, levels);
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
                RunResult baseline = ResultFiles.read(baselineFile);
                checks.addAll(RegressionGate.compare(baseline, result, budgets.regression()));
                baselineNote = baseline == null ? "no baseline at " + baselineFile
                        + " yet: every request is NEW (create one with -Dbaseline=update)" : "compared with " + baselineFile;
            }
        }
        ResultFiles.writeJUnit(runDir.resolve("junit.xml"), simulation, checks, result.durationSeconds());
        ResultFiles.writeRegressionPage(runDir.resolve("regression.html"), simulation + " (" + settings.profile().id()
                + ")", checks, null);
        printSummary(result, checks, baselineNote);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> verdict(checks), "perfgate-verdict"));
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
        System.out.printf("perfgate: %s, profile %s, exact latencies (ms)%n", simulation, settings.profile().id());
        System.out.printf("  %-26s %8s %6s %8s %8s %8s %8s %8s %6s%n", "request", "count", "ko", "p50", "p95", "p99",
                "max", "req/s", "sql");
        for (RequestStats r : requests) {
            System.out.printf("  %-26s %8d %6d %8.0f %8.0f %8.0f %8.0f %8.1f %6s%n", r.name(), r.count(), r.ko(),
                    r.p50Ms(), r.p95Ms(), r.p99Ms(), r.maxMs(), r.throughputPerSecond(),
                    r.statementsMax() < 0 ? "-" : Long.toString(r.statementsMax()));
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

    /** After Gatling's report exists: link and copy the regression page next to it, then fail on a failed check. */
    private void verdict(List<Check> checks) {
        Path report = latestGatlingReport();
        try {
            String link = null;
            if (report != null) {
                link = runDir.relativize(report.resolve("index.html")).toString();
                Files.deleteIfExists(runDir.resolve("gatling"));
                Files.createSymbolicLink(runDir.resolve("gatling"), runDir.relativize(report));
                ResultFiles.writeRegressionPage(report.resolve("regression.html"), simulation + " ("
                        + settings.profile().id() + ")", checks, "index.html");
                Files.copy(runDir.resolve("results.json"), report.resolve("results.json"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            ResultFiles.writeRegressionPage(runDir.resolve("regression.html"), simulation + " ("
                    + settings.profile().id() + ")", checks, link);
        } catch (IOException | RuntimeException e) {
            System.err.println("perfgate: could not link the Gatling report: " + e);
        }
        if (checks.stream().anyMatch(Check::failed)) {
            System.err.println("perfgate: " + simulation + " failed its budgets or the regression gate; see "
                    + runDir.resolve("regression.html"));
            System.err.flush();
            Runtime.getRuntime().halt(3);
        }
    }

    private Path latestGatlingReport() {
        Path dir = Path.of(System.getProperty("perfgate.gatlingResults", "target/gatling")).toAbsolutePath();
        String prefix = simulation.toLowerCase() + "-";
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
