package dev.perfgate.load.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.perfgate.embedded.EmbeddedPostgres;
import dev.perfgate.embedded.EmbeddedRedis;
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
    private final List<URI> baseUrls;
    private final List<ServiceClient> services;
    private final List<SutProcess> nodes = new ArrayList<>();
    /** The database and cache several nodes started here share; null otherwise. */
    private EmbeddedPostgres sharedDatabase;
    private EmbeddedRedis sharedCache;
    private boolean profileService;

    public Run(Settings settings) {
        this.settings = settings;
        List<URI> urls = new ArrayList<>(settings.targets());
        try {
            while (settings.targets().isEmpty() && urls.size() < settings.nodes()) { // nodes this JVM starts
                urls.add(URI.create("http://127.0.0.1:" + SutProcess.freePort()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.baseUrls = List.copyOf(urls);
        this.services = baseUrls.stream().map(ServiceClient::new).toList();
    }

    /** Returns the base URL of the first node: where data is discovered. */
    public String baseUrl() {
        return baseUrls().getFirst();
    }

    /** Returns the base URLs of every node the scenarios load (each virtual user takes the next in turn). */
    public List<String> baseUrls() {
        return baseUrls.stream().map(u -> u.toString().replaceAll("/$", "")).toList();
    }

    /** Returns the feeders (filled by {@link #before}). */
    public Feeds feeds() {
        return feeds;
    }

    /**
     * Starts the service if needed — several nodes sharing one PostgreSQL and one Redis with {@code -Dnodes=N} —
     * discovers data (which warms it up), resets its counters and the recordings.
     */
    public void before(PerfgateRun perfgate) {
        try {
            if (settings.targets().isEmpty()) {
                startNodes(perfgate);
            }
            feeds.discover(baseUrls.getFirst());
            post("/api/admin/metrics/reset");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        perfgate.target(String.join(",", baseUrls()));
        perfgate.restart();
    }

    private void startNodes(PerfgateRun perfgate) throws IOException {
        Map<String, String> env = new LinkedHashMap<>(settings.sutEnv());
        if (baseUrls.size() > 1) {
            System.out.println("perfgate: starting PostgreSQL and Redis for " + baseUrls.size() + " nodes to share");
            sharedDatabase = EmbeddedPostgres.startFresh();
            sharedCache = EmbeddedRedis.startFresh();
            env.put("SUT_DB_URL", sharedDatabase.jdbcUrl());
            env.put("SUT_REDIS_URL", sharedCache.url());
        }
        List<ProcessHandle> processes = new ArrayList<>();
        for (int i = 0; i < baseUrls.size(); i++) {
            URI url = baseUrls.get(i);
            System.out.printf("perfgate: starting the service (scale %s) in its own JVM on %s%s%n",
                    settings.profile().scale(), url, baseUrls.size() > 1 ? " (node " + (i + 1) + " of "
                            + baseUrls.size() + ")" : "");
            // one node at a time: the first seeds the shared database, the others find it seeded
            SutProcess node = SutProcess.start(settings.sutDir(), url.getPort(), settings.profile().scale(),
                    ADMIN_TOKEN, env, perfgate.runDir().resolve(i == 0 ? "service.log" : "service-node-" + (i + 1)
                            + ".log"), i == 0 ? recording(perfgate) : null);
            nodes.add(node);
            processes.addAll(node.processes());
        }
        if (sharedDatabase != null) {
            sharedDatabase.process().ifPresent(processes::add);
            sharedCache.process().ifPresent(processes::add);
        }
        perfgate.serviceProcesses(processes); // CPU of neither the service nor Gatling is other work competing
    }

    /** Makes this a capacity run: the harness judges the budgets per level of the plan. */
    public KneeWatch measureCapacity(Capacity plan, PerfgateRun perfgate) {
        KneeWatch watch = new KneeWatch(plan, perfgate);
        perfgate.capacity(stalls -> {
            watch.close();
            return plan.evaluate(ExactResults.firstRequestMillis(), ExactResults.lastResponseMillis(),
                    perfgate.budgets(), stalls, perfgate::cpuBetween);
        });
        profileService = true; // where the knee is comes with where the service's CPU went there
        return watch;
    }

    /** Hands the service's own figures to the harness and stops the service. */
    public void after(PerfgateRun perfgate) {
        perfgate.awaitInjectors(); // other injectors may still be loading the service this JVM started
        // the run's top statements are analyzed first (plan rules, verified index advice), after the load is over
        post("/api/admin/queries/analyze?top=10");
        List<String> urls = baseUrls();
        List<ServerFigures.Node> figures = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
            figures.add(new ServerFigures.Node(urls.get(i), services.get(i).getForReport("/api/performance/metrics"),
                    services.get(i).getForReport("/api/performance/queries")));
        }
        perfgate.serverFigures(ServerFigures.of(figures));
        boolean started = !nodes.isEmpty();
        nodes.forEach(SutProcess::close); // a flight recording is written as the first node exits
        if (sharedCache != null) {
            sharedCache.close();
        }
        if (sharedDatabase != null) {
            sharedDatabase.close();
        }
        Path recording = started ? recording(perfgate) : null;
        if (recording != null) {
            perfgate.serviceProfile(recording);
        }
    }

    /** Returns where the service's flight recording goes, or null when it is not profiled. */
    private Path recording(PerfgateRun perfgate) {
        return profileService || settings.profileService() ? perfgate.runDir().resolve("service.jfr") : null;
    }

    /** POSTs to every node: each keeps its own counters and statements. */
    private void post(String path) {
        String token = !nodes.isEmpty() ? ADMIN_TOKEN : System.getProperty("perfgate.adminToken", "");
        if (!token.isEmpty()) { // a target started elsewhere without a token: its counters include earlier traffic
            services.forEach(service -> service.post(path, token));
        }
    }
}
