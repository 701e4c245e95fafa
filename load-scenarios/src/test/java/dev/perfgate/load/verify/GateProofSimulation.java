package dev.perfgate.load.verify;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.time.Duration;
import java.util.List;

import io.gatling.javaapi.core.PopulationBuilder;

import dev.perfgate.load.simulations.PerfgateSimulation;

/**
 * The gate's proof on real runs (load-scenarios/pom.xml, {@code ./mvnw verify}): four planners reading a couple's
 * timeline and budget without pause, for long enough that a p95 and a p99 are enforceable (hundreds of samples).
 * Run once to record a baseline, once with the service's faults (50 ms on the timeline, one statement more on the
 * budget) that the gate must name, and once with the load generator stopped for a second
 * ({@link StalledInjectorSimulation}) that it must call an invalid run, not a regression.
 */
public class GateProofSimulation extends PerfgateSimulation {
    @Override
    protected List<PopulationBuilder> populations() {
        return List.of(scenario("gate proof")
                .during(Duration.ofSeconds(12)).on(feed(run.feeds().clients()).exec(api.clientTimeline())
                        .exec(api.clientBudget()))
                .injectOpen(atOnceUsers(4)));
    }
}
