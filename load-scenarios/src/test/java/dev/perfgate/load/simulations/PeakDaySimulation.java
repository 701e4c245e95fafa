package dev.perfgate.load.simulations;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.util.List;

import io.gatling.javaapi.core.PopulationBuilder;

/**
 * A production day: planners, couples, phones and analysts at once, each with its own injection model, so that
 * they contend for the same pools and rows as they do in production.
 */
public class PeakDaySimulation extends PerfgateSimulation {
    @Override
    protected List<PopulationBuilder> populations() {
        var p = settings.profile();
        return List.of(
                scenario("wedding planning").exec(journeys.weddingPlanning())
                        .injectClosed(constantConcurrentUsers(users(p.planners())).during(p.planningDuration())),
                scenario("vendor management").exec(journeys.vendorManagement())
                        .injectOpen(constantUsersPerSec(rate(p.vendorSessionsPerSecond())).during(p.vendorDuration())
                                .randomized()),
                scenario("mobile usage").exec(journeys.mobileUsage())
                        .injectOpen(constantUsersPerSec(rate(p.mobileSessionsPerSecond())).during(p.mobileDuration())
                                .randomized()),
                scenario("analytics dashboard").exec(journeys.analyticsDashboard())
                        .injectClosed(constantConcurrentUsers(users(p.analysts())).during(p.analyticsDuration())),
                monitor());
    }
}
