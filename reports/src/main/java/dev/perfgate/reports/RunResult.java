package dev.perfgate.reports;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a load run produced that a machine should read: per-request exact results, the budgets as evaluated,
 * server-side figures read from the service after the run, the validity of the measurement and its environment.
 *
 * @param validity       what the load generator went through (null in results written before it was measured)
 * @param schemaVersion  {@link #SCHEMA_VERSION} when written; 0 in files older than the field
 */
public record RunResult(String simulation, String profile, String target, Instant startedAt, double durationSeconds,
                        RunEnvironment environment, List<RequestStats> requests, List<Check> budgets,
                        Map<String, Object> server, List<CapacityLevel> capacity, RunValidity validity,
                        int schemaVersion) {

    /**
     * The version of results.json written now: 2 added the exact histograms, server time, validity and the schema
     * version itself. The gate needs 2 on both sides (its intervals come from the histograms).
     */
    public static final int SCHEMA_VERSION = 2;

    /** A result of the current schema without a validity measurement (tests, tools). */
    public RunResult(String simulation, String profile, String target, Instant startedAt, double durationSeconds,
                     RunEnvironment environment, List<RequestStats> requests, List<Check> budgets,
                     Map<String, Object> server, List<CapacityLevel> capacity) {
        this(simulation, profile, target, startedAt, durationSeconds, environment, requests, budgets, server, capacity,
                null, SCHEMA_VERSION);
    }

    /**
     * One step of a capacity run: the arrival rate, what the service answered in the step's steady window, and
     * whether every budget held there (the requests that broke one are named).
     */
    public record CapacityLevel(double sessionsPerSecond, double requestsPerSecond, boolean budgetsHeld,
                                List<String> breaches) {
    }

    /** Returns the highest arrival rate at which every budget held, or 0 (also for runs that are not capacity runs). */
    public double capacitySessionsPerSecond() {
        return capacity == null ? 0 : capacity.stream().filter(CapacityLevel::budgetsHeld)
                .mapToDouble(CapacityLevel::sessionsPerSecond).max().orElse(0);
    }

    /** Returns the stats of one request name, or null. */
    public RequestStats request(String name) {
        return requests.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    /** Returns whether the run's load generator was measured and found stalled. */
    public boolean invalid() {
        return validity != null && !validity.valid();
    }
}
