package dev.perfgate.sut;

import java.sql.SQLException;
import java.time.Duration;
import java.util.logging.Logger;

import io.github.bucket4j.TimeMeter;
import io.helidon.common.socket.SocketOptions;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;

import dev.perfgate.analyzer.QueryAnalyzer;
import dev.perfgate.sut.cache.CacheSettings;
import dev.perfgate.sut.cache.TwoLevelCache;
import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.db.Infrastructure;
import dev.perfgate.sut.db.Migrations;
import dev.perfgate.sut.db.SeedSettings;
import dev.perfgate.sut.db.Seeder;
import dev.perfgate.sut.domain.Analytics;
import dev.perfgate.sut.domain.Bookings;
import dev.perfgate.sut.domain.BudgetItems;
import dev.perfgate.sut.domain.CacheWarmup;
import dev.perfgate.sut.domain.Clients;
import dev.perfgate.sut.domain.Guests;
import dev.perfgate.sut.domain.Notifications;
import dev.perfgate.sut.domain.Tasks;
import dev.perfgate.sut.domain.Timelines;
import dev.perfgate.sut.domain.Vendors;
import dev.perfgate.sut.http.AccessSettings;
import dev.perfgate.sut.http.AdminAuth;
import dev.perfgate.sut.http.CachedReads;
import dev.perfgate.sut.http.CatalogEndpoints;
import dev.perfgate.sut.http.ClientConnections;
import dev.perfgate.sut.http.ClientEndpoints;
import dev.perfgate.sut.http.ExportEndpoints;
import dev.perfgate.sut.http.Faults;
import dev.perfgate.sut.http.LiveEndpoints;
import dev.perfgate.sut.http.MonitorPage;
import dev.perfgate.sut.http.PerformanceEndpoints;
import dev.perfgate.sut.http.RateLimiter;
import dev.perfgate.sut.http.ResponseEncoding;
import dev.perfgate.sut.http.ResponseSettings;
import dev.perfgate.sut.http.Routes;
import dev.perfgate.sut.http.TransportErrors;
import dev.perfgate.sut.metrics.EndpointStats;
import dev.perfgate.sut.metrics.Metrics;
import dev.perfgate.sut.query.QueryInsights;
import dev.perfgate.sut.query.SlowStatements;
import dev.perfgate.sut.query.StatementStats;

/**
 * The running service, wired explicitly: configuration, infrastructure, pools, schema, seed data, routes, server.
 * {@link Main} starts one; tests, benchmarks and the load harness start it the same way on a free port.
 */
public final class Sut implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Sut.class.getName());
    /** Bodies up to this size are read and dropped to answer a readable 413 (reading 32 MiB locally takes ~30 ms). */
    static final long DISCARDED_BODY_BYTES = 32L << 20;

    private final SutConfig config;
    private final Metrics metrics;
    private final Infrastructure infra;
    private final Database db;
    private final WebServer server;
    private final SlowStatements slow;
    private final TwoLevelCache cache;
    private final LiveEndpoints live;
    private final ClientConnections connections;

    private Sut(SutConfig config, Metrics metrics, Infrastructure infra, Database db, WebServer server,
                SlowStatements slow, TwoLevelCache cache, LiveEndpoints live, ClientConnections connections) {
        this.connections = connections;
        this.live = live;
        this.slow = slow;
        this.cache = cache;
        this.config = config;
        this.metrics = metrics;
        this.infra = infra;
        this.db = db;
        this.server = server;
    }

    /** Starts the service; on any failure, whatever was already started is stopped again. */
    public static Sut start(SutConfig config) throws SQLException {
        Metrics metrics = new Metrics();
        Infrastructure infra = null;
        Database db = null;
        SlowStatements slow = null;
        TwoLevelCache cache = null;
        LiveEndpoints live = null;
        ClientConnections connections = null;
        try {
            infra = Infrastructure.start(config.infrastructure());
            slow = new SlowStatements(config.queries().slowStatementMs(), config.queries().explainsPerMinute());
            StatementStats queries = new StatementStats(config.queries().nPlusOneThreshold(), metrics.registry(), slow);
            db = new Database(config.pools(), infra, metrics.registry(), queries);
            QueryInsights insights = new QueryInsights(new QueryAnalyzer(db.maintenance(), new QueryAnalyzer.Options(
                    config.queries().explainAnalyze(), config.queries().indexAdvisor())));
            slow.analyzeWith(insights);
            int migrations = Migrations.migrate(db.maintenance());
            LOG.info("schema up to date (" + migrations + " migrations applied now)");
            SeedSettings seeding = config.seeding();
            if (seeding.onStart() && Seeder.isEmpty(db.maintenance())) {
                new Seeder(seeding.scale(), seeding.seed()).seed(db.maintenance()); // logs rows and rate
            }
            CacheSettings caching = config.cache();
            if (caching.enabled()) {
                cache = new TwoLevelCache(caching, infra.redisUrl(), db.identity(), TwoLevelCache.Clock.SYSTEM,
                        metrics.registry());
            }
            EndpointStats stats = new EndpointStats(metrics.registry());
            HttpRouting.Builder routing = HttpRouting.builder();
            AccessSettings access = config.access();
            // Bucket4j's own default clock, milliseconds: limits are per second at the finest, and a nanosecond
            // clock made the check for one client 1.55-1.67x raw Bucket4j against 1.77-2.13x (RateLimitBenchmark)
            RateLimiter limiter = access.rateLimits().isEmpty() ? null
                    : new RateLimiter(access.rateLimits(), access.apiKeys(), TimeMeter.SYSTEM_MILLISECONDS,
                            metrics.registry());
            live = new LiveEndpoints(new Analytics(db), db, stats, cache, slow, queries, limiter,
                    config.responses().sseIntervalMs(), config.responses().sseHeartbeatMs());
            connections = new ClientConnections(config.listener().maxConnectionsPerClient(),
                    config.listener().readTimeoutMs(), config.listener().writeTimeoutMs()).bindTo(metrics.registry());
            routing(routing, config, db, stats, metrics, queries, insights, cache, limiter, live, connections);
            WebServer server = listener(config.listener(), connections, WebServer.builder())
                    .port(config.port())
                    .shutdownHook(false)
                    // bodies beyond SUT_MAX_BODY_BYTES are still read (and dropped) up to this bound, so that the
                    // client, still sending, can read its 413; a larger one is refused by closing the connection
                    .maxPayloadSize(Math.max(DISCARDED_BODY_BYTES, config.responses().maxBodyBytes()))
                    .directHandlers(TransportErrors.create())
                    .routing(routing)
                    .build()
                    .start();
            if (cache != null && config.cache().warmup()) {
                CacheWarmup.run(cache, db);
            }
            return new Sut(config, metrics, infra, db, server, slow, cache, live, connections);
        } catch (SQLException | RuntimeException e) {
            if (connections != null) {
                connections.close();
            }
            if (live != null) {
                live.close();
            }
            if (cache != null) {
                cache.close();
            }
            if (slow != null) {
                slow.close();
            }
            if (db != null) {
                db.close();
            }
            if (infra != null) {
                infra.close();
            }
            metrics.close();
            throw e;
        }
    }

    /**
     * Sets how the listener treats its clients: the bound address, timeouts for a client that stops sending in the
     * middle of a request or sits idle, and the per-address connection cap.
     */
    static WebServerConfig.Builder listener(SutConfig.Listener listener, ClientConnections connections,
                                           WebServerConfig.Builder builder) {
        Duration idle = Duration.ofMillis(listener.idleTimeoutMs());
        builder.host(listener.host())
                .connectionOptions(SocketOptions.builder()
                        .readTimeout(Duration.ofMillis(listener.readTimeoutMs()))
                        .build())
                .idleConnectionTimeout(idle)
                .idleConnectionPeriod(idle.dividedBy(4));
        builder.addConnectionSelector(connections);
        return builder;
    }

    /** Registers every route of the service on a routing builder. */
    static void routing(HttpRouting.Builder routing, SutConfig config, Database db, EndpointStats stats,
                        Metrics metrics, StatementStats queries, QueryInsights insights, TwoLevelCache cache,
                        RateLimiter limiter, LiveEndpoints live, ClientConnections connections) {
        CachedReads reads = new CachedReads(cache);
        ResponseSettings responses = config.responses();
        ResponseEncoding encoding = new ResponseEncoding(responses.compression(), responses.compressionMinBytes());
        Routes routes = new Routes(routing, stats, queries, connections, responses.maxBodyBytes(), encoding, limiter,
                responses.slowRequestMs(), Faults.parse(responses.faults()), request -> db.read(request, c -> {
                    try (var statement = c.createStatement()) {
                        statement.execute("SELECT 1"); // the statement@ fault: one query more, as a lost batch adds
                    }
                    return null;
                }));
        new ExportEndpoints(db, responses.exportFetchSize()).register(routes);
        new ClientEndpoints(new Clients(db), new BudgetItems(db), new Timelines(db), new Guests(db), new Tasks(db),
                new Bookings(db), reads).register(routes);
        AdminAuth admin = new AdminAuth(config.access().adminToken());
        new CatalogEndpoints(new Vendors(db), new Notifications(db), new Analytics(db), admin, reads)
                .register(routes);
        new PerformanceEndpoints(db, stats, metrics, queries, insights, cache, admin, limiter, live, encoding)
                .register(routes);
        live.register(routes);
        new MonitorPage().register(routes);
        routes.fallback();
    }

    /** Returns the port the server listens on. */
    public int port() {
        return server.port();
    }

    /** Returns the configuration the service runs with. */
    public SutConfig config() {
        return config;
    }

    /** Returns the database pools. */
    public Database database() {
        return db;
    }

    /** Returns the infrastructure (tests stop and restart the embedded database). */
    public Infrastructure infrastructure() {
        return infra;
    }


    /** Returns the cache, or null when it is off. */
    public TwoLevelCache cache() {
        return cache;
    }

    /** The listener's watched connections: their counters say how connections were refused or ended. */
    public ClientConnections connections() {
        return connections;
    }

    @Override
    public void close() {
        live.close(); // open event streams end, so the server's stop does not wait for them
        server.stop();
        connections.close();
        if (cache != null) {
            cache.close();
        }
        slow.close();
        db.close();
        infra.close();
        metrics.close();
    }
}
