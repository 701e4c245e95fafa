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
 * A stepped arrival-rate plan that looks for the knee: ramp to each level, hold it, and judge each level's steady
 * window (its first seconds excluded while queues settle) against the budgets. Past the profile's listed levels the
 * plan goes on by a tenth each step (a quarter for {@code smoke}) up to a ceiling, so a service faster than the list
 * still shows where it stops, to within a tenth; {@link KneeWatch} ends the run once two levels in a row have broken
 * a budget. The knee is the highest level at which every budget held; the levels above it show how the service
 * degrades.
 *
 * @param levels arrival rates in sessions per second, ascending: the listed ones, then the extension to the ceiling
 * @param hold   how long each level is held
 * @param ramp   how long the rate takes to move between levels
 */
public record Capacity(List<Double> levels, Duration hold, Duration ramp) {

    /**
     * Each level past the listed ones is this much higher than the one before: the knee is known to within this
     * step. A quarter (the first plans) put 2,000 requests/s of this service between two levels, 391 and 489
     * sessions/s, and one run's noise decided on which side the knee fell.
     */
    static final double GROWTH = 1.1;
    /** The smoke profile's step: it checks the search itself in seconds, not where the knee is. */
    static final double SMOKE_GROWTH = 1.25;

    /** The highest ceiling accepted: far above what one load generator can send. */
    static final double MAX_CEILING = 10_000;

    /**
     * Returns the plan of a profile, its listed levels extended up to the ceiling (sessions per second; 0 for the
     * profile's own: 3 for smoke, 600 for ci, 1,000 for full).
     */
    public static Capacity of(Profile profile, double ceiling) {
        return switch (profile) {
            case SMOKE -> extended(List.of(1.0, 3.0), ceiling == 0 ? 3 : ceiling, SMOKE_GROWTH, Duration.ofSeconds(6),
                    Duration.ofSeconds(2));
            case CI -> extended(List.of(25.0, 50.0, 100.0, 150.0, 200.0), ceiling == 0 ? 600 : ceiling, GROWTH,
                    Duration.ofSeconds(20), Duration.ofSeconds(5));
            case FULL -> extended(List.of(10.0, 50.0, 100.0, 150.0, 200.0, 300.0), ceiling == 0 ? 1000 : ceiling,
                    GROWTH, Duration.ofSeconds(60), Duration.ofSeconds(15));
        };
    }

    /** Returns the listed levels up to the ceiling, then steps of {@code growth} up to it, the ceiling last. */
    static Capacity extended(List<Double> listed, double ceiling, double growth, Duration hold, Duration ramp) {
        if (!(ceiling >= listed.getFirst()) || ceiling > MAX_CEILING) {
            throw new IllegalArgumentException("capacityCeiling was " + Check.format(ceiling) + " sessions/s, must be"
                    + " from the first level (" + Check.format(listed.getFirst()) + ") to " + Check.format(MAX_CEILING));
        }
        List<Double> levels = new ArrayList<>(listed.stream().filter(l -> l <= ceiling).toList());
        double next = levels.getLast() * growth;
        while (next < ceiling) {
            levels.add(next >= 10 ? Math.round(next) : Math.round(next * 10) / 10.0);
            next = levels.getLast() * growth;
        }
        if (levels.getLast() < ceiling) {
            levels.add(ceiling);
        }
        return new Capacity(List.copyOf(levels), hold, ramp);
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

    /** Returns when level i's steady window starts and ends (epoch ms), for a run whose first request was at first. */
    long[] window(int i, long firstRequestMillis) {
        long levelStart = firstRequestMillis + (i + 1) * ramp.toMillis() + i * hold.toMillis();
        return new long[] {levelStart + settle(), levelStart + hold.toMillis()};
    }

    private long settle() {
        return Math.min(hold.toMillis() / 4, 5_000);
    }

    /** Who used the machine's CPU between two instants (epoch ms); {@code PerfgateRun::cpuBetween} in a run. */
    public interface CpuMeter {
        /** Returns the CPU shares of the stretch, or null when it was not measured. */
        RunResult.MachineCpu between(long fromMillis, long toMillis);
    }

    /**
     * Judges level i's steady window against the budgets, the load generator's stalls excluded, and says who used
     * the machine's CPU in that window.
     */
    RunResult.CapacityLevel judge(int i, long firstRequestMillis, Budgets budgets, ExactResults.Stalls stalls,
                                  CpuMeter cpu) {
        long[] w = window(i, firstRequestMillis);
        List<RequestStats> window = ExactResults.window(w[0], w[1], budgets.requests(), stalls);
        List<String> breaches = budgets.check(window).stream()
                .filter(c -> c.verdict() == Check.Verdict.FAIL)
                .map(c -> c.subject() + " " + c.metric() + " " + Check.format(c.actual())).toList();
        double seconds = (w[1] - w[0]) / 1000.0;
        double requests = window.stream().mapToLong(RequestStats::count).sum() / Math.max(1, Math.floor(seconds));
        return new RunResult.CapacityLevel(levels.get(i), Math.round(requests * 10) / 10.0, breaches.isEmpty(),
                breaches, cpu.between(w[0], w[1]));
    }

    /**
     * Judges every level whose steady window the run finished (a run stopped at the knee leaves the rest out),
     * measured from the first request of the run.
     */
    public List<RunResult.CapacityLevel> evaluate(long firstRequestMillis, long lastResponseMillis, Budgets budgets,
                                                  ExactResults.Stalls stalls, CpuMeter cpu) {
        List<RunResult.CapacityLevel> out = new ArrayList<>();
        for (int i = 0; i < levels.size() && window(i, firstRequestMillis)[1] <= lastResponseMillis; i++) {
            out.add(judge(i, firstRequestMillis, budgets, stalls, cpu));
        }
        return out;
    }
}
