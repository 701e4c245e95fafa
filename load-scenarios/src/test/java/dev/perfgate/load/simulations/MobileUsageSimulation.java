package dev.perfgate.load.simulations;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.util.List;

import io.gatling.javaapi.core.PopulationBuilder;

/**
 * Planners on their phones. Open model: app sessions start when people pick up their phones, independent of how
 * fast the last answer came.
 */
public class MobileUsageSimulation extends PerfgateSimulation {
    @Override
    protected List<PopulationBuilder> populations() {
        return List.of(scenario("mobile usage").exec(journeys.mobileUsage())
                .injectOpen(constantUsersPerSec(rate(settings.profile().mobileSessionsPerSecond()))
                        .during(settings.profile().mobileDuration()).randomized()),
                monitor());
    }
}
