package dev.perfgate.load.simulations;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.util.List;

import io.gatling.javaapi.core.PopulationBuilder;

/** Analysts reviewing dashboards. Closed model: a handful of people, each reading before the next click. */
public class AnalyticsDashboardSimulation extends PerfgateSimulation {
    @Override
    protected List<PopulationBuilder> populations() {
        return List.of(scenario("analytics dashboard").exec(journeys.analyticsDashboard())
                .injectClosed(constantConcurrentUsers(users(settings.profile().analysts()))
                        .during(settings.profile().analyticsDuration())),
                monitor());
    }
}
