package dev.perfgate.load.simulations;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.util.List;

import io.gatling.javaapi.core.PopulationBuilder;

/**
 * Couples browsing vendors. Open model: they arrive from search engines and links at their own rate whether or not
 * the service keeps up, so a stall shows as queueing and latency instead of being hidden (coordinated omission).
 */
public class VendorManagementSimulation extends PerfgateSimulation {
    @Override
    protected List<PopulationBuilder> populations() {
        return List.of(scenario("vendor management").exec(journeys.vendorManagement())
                .injectOpen(constantUsersPerSec(rate(settings.profile().vendorSessionsPerSecond()))
                        .during(settings.profile().vendorDuration()).randomized()),
                monitor());
    }
}
