package dev.perfgate.load.simulations;

import static io.gatling.javaapi.http.HttpDsl.http;

import java.time.Duration;
import java.util.List;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import dev.perfgate.harness.Budgets;
import dev.perfgate.harness.Perfgate;
import dev.perfgate.harness.PerfgateRun;
import dev.perfgate.load.endpoints.Api;
import dev.perfgate.load.harness.Run;
import dev.perfgate.load.harness.Settings;
import dev.perfgate.load.journeys.Journeys;

/**
 * What every simulation of the reference project shares: its settings, the reference service's lifecycle (start,
 * data, counters, its own figures), and perfgate's harness through its public API only — the one line
 * {@code Perfgate.record(protocol)} records, judges and reports the run, as it would in any Gatling project.
 */
public abstract class PerfgateSimulation extends Simulation {
    protected final Settings settings = Settings.fromSystemProperties();
    protected final Run run = new Run(settings);
    protected final Api api = new Api(settings.regress());
    protected final Journeys journeys = smoke()
            ? new Journeys(api, run.feeds(), Duration.ofMillis(50), Duration.ofMillis(200))
            : new Journeys(api, run.feeds(), Duration.ofSeconds(1), Duration.ofSeconds(4));
    protected final HttpProtocolBuilder protocol = Perfgate.record(http.baseUrls(run.baseUrls()) // several nodes: each virtual user takes the next
            .acceptHeader("application/json")
            .acceptEncodingHeader("gzip, deflate")
            .userAgentHeader("perfgate-load/" + settings.profile().id())
            // conditional requests only where a journey asks for them (client detail revalidates with its ETag);
            // Gatling's own HTTP cache would turn every repeated GET into a 304 with no body to check
            .disableCaching(), simulationName());
    protected final PerfgateRun perfgate = Perfgate.run();
    protected final Budgets budgets = perfgate.budgets();

    protected PerfgateSimulation() {
        List<PopulationBuilder> populations = populations();
        api.used().forEach(budgets::tierOf); // every request name needs a budget before anything runs
        var setUp = setUp(populations).protocols(protocol);
        if (wholeRunBudgets()) {
            setUp.assertions(budgets.assertions());
        }
    }

    /** Returns the name results and baselines are kept under: the class's, unless a variant stands in for another. */
    protected String simulationName() {
        return getClass().getSimpleName();
    }

    /** Returns whether the budgets apply to the whole run (not to a capacity run, judged level by level). */
    protected boolean wholeRunBudgets() {
        return true;
    }

    private boolean smoke() {
        return settings.profile() == dev.perfgate.load.harness.Profile.SMOKE;
    }

    /** Returns the scenarios with their injection profiles. */
    protected abstract List<PopulationBuilder> populations();

    /** Returns the load balancer's health probe, once a second for the whole run (open: it does not wait). */
    protected PopulationBuilder monitor() {
        return io.gatling.javaapi.core.CoreDsl.scenario("monitor").exec(journeys.monitor())
                .injectOpen(io.gatling.javaapi.core.CoreDsl.constantUsersPerSec(rate(1))
                        .during(settings.profile().longest()));
    }

    /** Returns this injector's share of a closed scenario's users ({@code -Dinjectors=N} splits the load). */
    protected int users(int total) {
        return perfgate.share(total);
    }

    /** Returns this injector's share of an open scenario's arrival rate. */
    protected double rate(double total) {
        return perfgate.share(total);
    }

    @Override
    public void before() {
        run.before(perfgate);
    }

    @Override
    public void after() {
        run.after(perfgate);
    }
}
