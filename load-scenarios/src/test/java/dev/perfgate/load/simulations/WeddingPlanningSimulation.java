package dev.perfgate.load.simulations;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.util.List;

import io.gatling.javaapi.core.PopulationBuilder;

/**
 * Planners at work. Closed model: a planning team is a fixed number of people, each starting a new session when
 * the last one ends, so concurrency — not arrivals — is what the business fixes.
 */
public class WeddingPlanningSimulation extends PerfgateSimulation {
    @Override
    protected List<PopulationBuilder> populations() {
        return List.of(scenario("wedding planning").exec(journeys.weddingPlanning())
                .injectClosed(constantConcurrentUsers(users(settings.profile().planners()))
                        .during(settings.profile().planningDuration())),
                monitor());
    }
}
