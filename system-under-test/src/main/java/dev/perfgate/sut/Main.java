package dev.perfgate.sut;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.perfgate.analyzer.AnalyzeCommand;
import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.db.Infrastructure;
import dev.perfgate.sut.db.Migrations;
import dev.perfgate.sut.db.Seeder;
import dev.perfgate.sut.metrics.Metrics;
import dev.perfgate.sut.monitor.Monitor;
import dev.perfgate.sut.query.StatementStats;

/**
 * Starts the reference service, or runs the seed command against a database:
 * <pre>
 *   java -jar system-under-test/target/system-under-test.jar              # serve (embedded PostgreSQL by default)
 *   SUT_DB_URL=jdbc:postgresql://... java -jar ... seed [--reset]         # migrate and seed an external database
 *   java -jar ... analyze --url jdbc:postgresql://... [--sql FILE]        # query analysis of any database
 * </pre>
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n");
        }
        List<String> arguments = List.of(args);
        if (!arguments.isEmpty() && arguments.getFirst().equals("analyze")) {
            // aimed at any database: only SUT_DB_URL is read, as the default of --url
            System.exit(AnalyzeCommand.run(arguments.subList(1, arguments.size()),
                    Optional.ofNullable(System.getenv("SUT_DB_URL")), System.out, System.err));
            return;
        }
        if (!arguments.isEmpty() && arguments.getFirst().equals("monitor")) {
            // a client of a running service: no configuration of its own
            System.exit(Monitor.run(arguments.subList(1, arguments.size()), System.out, System.err));
            return;
        }
        SutConfig config;
        try {
            config = SutConfig.fromEnvironment();
        } catch (SutConfig.ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (arguments.isEmpty()) {
            serve(config);
        } else if (arguments.getFirst().equals("seed") && arguments.size() <= 2
                && (arguments.size() == 1 || arguments.get(1).equals("--reset"))) {
            seed(config, arguments.contains("--reset"));
        } else {
            System.err.println("usage: system-under-test.jar            serve the API\n"
                    + "       system-under-test.jar seed [--reset]   migrate and seed the configured database"
                    + " (--reset empties it first)\n"
                    + "       system-under-test.jar analyze ...      query analysis of any PostgreSQL database"
                    + " (analyze --help)\n"
                    + "       system-under-test.jar monitor [url]    live table of a running service's performance"
                    + " [--interval-ms N] [--once]\nsettings: " + String.join(", ", SutConfig.KEYS.keySet()));
            System.exit(2);
        }
    }

    private static void serve(SutConfig config) throws Exception {
        long start = System.nanoTime();
        Sut sut;
        try {
            sut = Sut.start(config);
        } catch (Exception e) {
            // Exit instead of leaving non-daemon threads (JDBC, executors) to keep a half-started process alive.
            System.err.println("perfgate system-under-test failed to start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(sut::close, "perfgate-shutdown"));
        // the address the listener is bound to, as bound: 0.0.0.0 says every interface, not just this machine
        System.out.printf("perfgate system-under-test listening on http://%s:%d%s (%s database, started in %.1f s)%n",
                config.listener().host(), sut.port(),
                java.net.InetAddress.getByName(config.listener().host()).isAnyLocalAddress()
                        ? " on every interface" : "",
                config.infrastructure().kind().name().toLowerCase(), (System.nanoTime() - start) / 1e9);
        if (config.access().adminTokenGenerated()) {
            System.out.println("admin token (SUT_ADMIN_TOKEN): " + config.access().adminToken());
        }
        System.out.flush();
    }

    private static void seed(SutConfig config, boolean reset) throws Exception {
        try (Metrics metrics = new Metrics(); Infrastructure infra = Infrastructure.start(config.infrastructure());
             Database db = new Database(config.pools(), infra, metrics.registry(),
                     new StatementStats(config.queries().nPlusOneThreshold(), metrics.registry(), null))) {
            Migrations.migrate(db.maintenance());
            if (reset) {
                Seeder.truncate(db.maintenance());
            }
            if (!Seeder.isEmpty(db.maintenance())) {
                System.out.println("database already has data; nothing seeded (use seed --reset to replace it)");
                return;
            }
            Seeder.Result r = new Seeder(config.seeding().scale(), config.seeding().seed()).seed(db.maintenance());
            for (Map.Entry<String, Long> e : r.rows().entrySet()) {
                System.out.printf("  %-17s %,10d%n", e.getKey(), e.getValue());
            }
            System.out.printf("seeded %,d rows in %.1f s: %,.0f rows/s%n", r.totalRows(), r.nanos() / 1e9,
                    r.rowsPerSecond());
        }
    }
}
