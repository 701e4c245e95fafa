package dev.perfgate.load.harness;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gatling.javaapi.core.OpenInjectionStep;

import dev.perfgate.harness.Budgets;
import dev.perfgate.harness.ExactResults;
import dev.perfgate.reports.Check;
import dev.perfgate.reports.RequestStats;
import dev.perfgate.reports.RunResult;

/**
 * A stepped arrival-rate plan: ramp to each level, hold it, and judge each level's steady window (its first
 * seconds excluded while queues settle) against the budgets. The capacity is the highest level at which every
 * budget held; the levels above it show how the service degrades.
 *
 * @param levels arrival rates in sessions per second, ascending
 * @param hold   how long each level is held
 * @param ramp   how long the rate takes to move between levels
 */
public record Capacity(List<Double> levels, Duration hold, Duration ramp) {

    /** Returns the plan of a profile: 10 → 50 → 100 → sustained → beyond in full, scaled down below it. */
    public static Capacity of(Profile profile) {
        return switch (profile) {
            case SMOKE -> new Capacity(List.of(1.0, 3.0), Duration.ofSeconds(6), Duration.ofSeconds(2));
            case CI -> new Capacity(List.of(10.0, 25.0, 50.0, 100.0, 150.0, 200.0), Duration.ofSeconds(20),
                    Duration.ofSeconds(5));
            case FULL -> new Capacity(List.of(10.0, 50.0, 100.0, 150.0, 200.0, 300.0), Duration.ofSeconds(60),
                    Duration.ofSeconds(15));
        };
    }

    /** Returns the Gatling injection steps: ramp, hold, ramp, hold, ... then ramp down to 0. */
    public OpenInjectionStep[] steps() {
        List<OpenInjectionStep> steps = new ArrayList<>();
        double previous = 0;
        for (double level : levels) {
            steps.add(rampUsersPerSec(previous).to(level).during(ramp));
            steps.add(constantUsersPerSec(level).during(hold));
            previous = level;
        }
        steps.add(rampUsersPerSec(previous).to(0.1).during(ramp));
        return steps.toArray(OpenInjectionStep[]::new);
    }

    /** Judges each level's steady window, measured from the first request of the run. */
    public List<RunResult.CapacityLevel> evaluate(long firstRequestMillis, Budgets budgets, ExactResults.Stalls stalls) {
        List<RunResult.CapacityLevel> out = new ArrayList<>();
        long settle = Math.min(hold.toMillis() / 4, 5_000);
        long t = firstRequestMillis;
        for (double level : levels) {
            t += ramp.toMillis();
            List<RequestStats> window = ExactResults.window(t + settle, t + hold.toMillis(), budgets.requests(), stalls);
            t += hold.toMillis();
            List<String> breaches = budgets.check(window).stream()
                    .filter(c -> c.verdict() == Check.Verdict.FAIL)
                    .map(c -> c.subject() + " " + c.metric() + " " + Check.format(c.actual())).toList();
            double seconds = (hold.toMillis() - settle) / 1000.0;
            double requests = window.stream().mapToLong(RequestStats::count).sum() / Math.max(1, Math.floor(seconds));
            out.add(new RunResult.CapacityLevel(level, Math.round(requests * 10) / 10.0, breaches.isEmpty(), breaches));
        }
        return out;
    }
}
