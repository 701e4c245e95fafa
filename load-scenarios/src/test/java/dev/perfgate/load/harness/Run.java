package dev.perfgate.load.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;

import dev.perfgate.harness.ExactResults;
import dev.perfgate.harness.PerfgateRun;
import dev.perfgate.reports.ServerFigures;

/**
 * What the reference project adds around perfgate's harness (which records, judges and reports any simulation
 * through {@code Perfgate.record}): it starts the reference service in its own JVM (unless {@code -Dtarget}),
 * discovers feeder data through its API (which warms it up), resets its counters and the harness's recordings, and
 * after the load hands the service's own figures (per-route latency, pools, the query report with its N+1 suspects
 * and the analysis of the run's top statements) to the harness as its optional service extras, then stops it.
 */
public final class Run {
    private static final String ADMIN_TOKEN = "perfgate-load-harness-token";

    private final Settings settings;
    private final Feeds feeds = new Feeds();
    private final URI baseUrl;
    private final int port;
    private final ServiceClient service;
    private SutProcess sut;
    private boolean profileService;

    public Run(Settings settings) {
        this.settings = settings;
        try {
            this.port = settings.target().isPresent() ? -1 : SutProcess.freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.baseUrl = settings.target().orElse(URI.create("http://127.0.0.1:" + port));
        this.service = new ServiceClient(baseUrl);
    }

    /** Returns the base URL the scenarios load. */
    public String baseUrl() {
        return baseUrl.toString().replaceAll("/$", "");
    }

    /** Returns the feeders (filled by {@link #before}). */
    public Feeds feeds() {
        return feeds;
    }

    /** Starts the service if needed, discovers data (which warms it up), resets its counters and the recordings. */
    public void before(PerfgateRun perfgate) {
        try {
            if (settings.target().isEmpty()) {
                System.out.printf("perfgate: starting the service (scale %s) in its own JVM on %s%n",
                        settings.profile().scale(), baseUrl);
                sut = SutProcess.start(settings.sutDir(), port, settings.profile().scale(), ADMIN_TOKEN,
                        settings.sutEnv(), perfgate.runDir().resolve("service.log"), recording(perfgate));
                perfgate.serviceProcesses(sut.processes()); // CPU of neither it nor Gatling is other work competing
            }
            feeds.discover(baseUrl);
            post("/api/admin/metrics/reset");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        perfgate.target(baseUrl());
        perfgate.restart();
    }

    /** Makes this a capacity run: the harness judges the budgets per level of the plan. */
    public KneeWatch measureCapacity(Capacity plan, PerfgateRun perfgate) {
        KneeWatch watch = new KneeWatch(plan, perfgate);
        perfgate.capacity(stalls -> {
            watch.close();
            return plan.evaluate(ExactResults.firstRequestMillis(), ExactResults.lastResponseMillis(),
                    perfgate.budgets(), stalls);
        });
        profileService = true; // where the knee is comes with where the service's CPU went there
        return watch;
    }

    /** Hands the service's own figures to the harness and stops the service. */
    public void after(PerfgateRun perfgate) {
        perfgate.awaitInjectors(); // other injectors may still be loading the service this JVM started
        // the run's top statements are analyzed first (plan rules, verified index advice), after the load is over
        post("/api/admin/queries/analyze?top=10");
        perfgate.serverFigures(new ServerFigures(service.getForReport("/api/performance/metrics"),
                service.getForReport("/api/performance/queries")));
        if (sut != null) {
            sut.close(); // a flight recording is written as the service exits
            Path recording = recording(perfgate);
            if (recording != null) {
                perfgate.serviceProfile(recording);
            }
        }
    }

    /** Returns where the service's flight recording goes, or null when it is not profiled. */
    private Path recording(PerfgateRun perfgate) {
        return profileService || settings.profileService() ? perfgate.runDir().resolve("service.jfr") : null;
    }

    private void post(String path) {
        String token = sut != null ? ADMIN_TOKEN : System.getProperty("perfgate.adminToken", "");
        if (!token.isEmpty()) { // a target started elsewhere without a token: its counters include earlier traffic
            service.post(path, token);
        }
    }
}
