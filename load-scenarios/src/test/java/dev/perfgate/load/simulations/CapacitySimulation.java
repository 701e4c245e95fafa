package dev.perfgate.load.simulations;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.core.CoreDsl.stopLoadGeneratorIf;

import java.util.List;

import io.gatling.javaapi.core.Choice;
import io.gatling.javaapi.core.PopulationBuilder;

import dev.perfgate.load.harness.Capacity;
import dev.perfgate.load.harness.KneeWatch;

/**
 * How much arrival-driven traffic the service takes within budget: phone and marketplace sessions (7 to 3) at a
 * stepped arrival rate that climbs until two levels in a row break a budget or the ceiling is reached, each level
 * judged on its own. Open model throughout, so that overload shows as latency and errors rather than as fewer
 * requests. Reports the knee — the highest rate at which every budget held, in sessions and requests per second,
 * and the budget that broke first above it — with a flame graph of the service. The overload levels are expected to
 * break budgets, so they do not fail the build; a capacity lower than the baseline's does.
 *
 * <p>Not in the default run: {@code ./mvnw gatling:test -Dgatling.simulationClass=dev.perfgate.load.simulations.CapacitySimulation}
 * ({@code -DcapacityCeiling=800} to go higher than the profile's ceiling)
 */
public class CapacitySimulation extends PerfgateSimulation {
    @Override
    protected List<PopulationBuilder> populations() {
        Capacity plan = Capacity.of(settings.profile(), settings.capacityCeiling());
        KneeWatch knee = run.measureCapacity(plan, perfgate);
        return List.of(scenario("capacity")
                .exec(stopLoadGeneratorIf(session -> knee.stopReason(), session -> knee.stopRequested()))
                .exec(randomSwitch().on(
                        new Choice.WithWeight(70.0, exec(journeys.mobileUsage())),
                        new Choice.WithWeight(30.0, exec(journeys.vendorManagement()))))
                .injectOpen(plan.steps()));
    }

    @Override
    protected boolean wholeRunBudgets() {
        return false;
    }
}
