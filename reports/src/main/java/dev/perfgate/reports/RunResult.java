package dev.perfgate.reports;

import java.time.Instant;
import java.util.List;

/**
 * Everything a load run produced that a machine should read: per-request exact results, the budgets as evaluated,
 * the service's own figures read after the run ({@link ServerFigures}), the validity of the measurement and its environment.
 *
 * @param validity       what the load generator went through (null in results written before it was measured)
 * @param schemaVersion  {@link #SCHEMA_VERSION} when written; 0 in files older than the field
 */
public record RunResult(String simulation, String profile, String target, Instant startedAt, double durationSeconds,
                        RunEnvironment environment, List<RequestStats> requests, List<Check> budgets,
                        ServerFigures server, List<CapacityLevel> capacity, RunValidity validity,
                        int schemaVersion) {

    /**
     * The version of results.json written now: 2 added the exact histograms, server time, validity and the schema
     * version itself. The gate needs 2 on both sides (its intervals come from the histograms).
     */
    public static final int SCHEMA_VERSION = 2;

    /** A result of the current schema without a validity measurement (tests, tools). */
    public RunResult(String simulation, String profile, String target, Instant startedAt, double durationSeconds,
                     RunEnvironment environment, List<RequestStats> requests, List<Check> budgets,
                     ServerFigures server, List<CapacityLevel> capacity) {
        this(simulation, profile, target, startedAt, durationSeconds, environment, requests, budgets, server, capacity,
                null, SCHEMA_VERSION);
    }

    /**
     * One step of a capacity run: the arrival rate, what the service answered in the step's steady window, whether
     * every budget held there (the requests that broke one are named), and who used the machine's CPU in that window
     * (null where it was not measured, as in results written before it was).
     */
    public record CapacityLevel(double sessionsPerSecond, double requestsPerSecond, boolean budgetsHeld,
                                List<String> breaches, MachineCpu cpu) {
        public CapacityLevel(double sessionsPerSecond, double requestsPerSecond, boolean budgetsHeld,
                             List<String> breaches) {
            this(sessionsPerSecond, requestsPerSecond, budgetsHeld, breaches, null);
        }
    }

    /**
     * Who used the machine's CPU over a stretch of a run, each in percent of the whole machine (all its cores): the
     * load generator (with the run's other injectors), the service (its process tree, an embedded database
     * included) and other work, which is what neither used; -1 where the service's process was not declared. A
     * level broken while the machine was saturated and the service had a minority of it measures the machine.
     */
    public record MachineCpu(double machinePercent, double generatorPercent, double servicePercent,
                             double otherWorkPercent) {

        /** Returns e.g. "machine 99 % busy: service 46 %, load generator 38 %, other work 15 %". */
        public String describe() {
            return String.format(java.util.Locale.ROOT, "machine %.0f %% busy: %sload generator %.0f %%%s",
                    machinePercent, servicePercent < 0 ? "" : String.format(java.util.Locale.ROOT, "service %.0f %%, ",
                            servicePercent), generatorPercent, otherWorkPercent < 0 ? ""
                            : String.format(java.util.Locale.ROOT, ", other work %.0f %%", otherWorkPercent));
        }
    }

    /**
     * Where a capacity run found the service's limit: the highest level at which every budget held, in arrival rate
     * and in the requests per second the service answered there, and the first level above it that broke a budget,
     * with the budgets it broke. {@code brokenAt} is null when no level above the knee broke: the plan (or its
     * ceiling) ended first and the real limit is higher.
     *
     * @param sessionsPerSecond the knee's arrival rate (0 when even the first level broke a budget)
     * @param requestsPerSecond requests per second answered in the knee level's steady window
     * @param brokenAt          the first level above the knee that broke a budget, or null
     * @param brokenBelow       arrival rates below the knee that broke a budget although a higher one held (noise, a
     *                          pause of the service or of the machine): named, not hidden
     */
    public record Knee(double sessionsPerSecond, double requestsPerSecond, CapacityLevel brokenAt,
                       List<Double> brokenBelow) {

        /** Finds the knee among a capacity run's levels (at least one). */
        public static Knee of(List<CapacityLevel> levels) {
            CapacityLevel knee = null;
            for (CapacityLevel level : levels) {
                if (level.budgetsHeld() && (knee == null || level.sessionsPerSecond() > knee.sessionsPerSecond())) {
                    knee = level;
                }
            }
            double kneeRate = knee == null ? 0 : knee.sessionsPerSecond();
            CapacityLevel broken = levels.stream()
                    .filter(l -> !l.budgetsHeld() && l.sessionsPerSecond() > kneeRate)
                    .min(java.util.Comparator.comparingDouble(CapacityLevel::sessionsPerSecond)).orElse(null);
            List<Double> below = levels.stream().filter(l -> !l.budgetsHeld() && l.sessionsPerSecond() < kneeRate)
                    .map(CapacityLevel::sessionsPerSecond).toList();
            return new Knee(kneeRate, knee == null ? 0 : knee.requestsPerSecond(), broken, below);
        }

        /** Returns one sentence: where the limit is and which budget broke first. */
        public String describe() {
            String held = sessionsPerSecond == 0 ? "no level held every budget"
                    : String.format("every budget held at %s sessions/s (%s requests/s)%s",
                    Check.format(sessionsPerSecond), Check.format(requestsPerSecond), brokenBelow.isEmpty() ? ""
                            : " (and below it, but for " + String.join(", ", brokenBelow.stream().map(Check::format)
                            .toList()) + " sessions/s, which broke one)");
            return brokenAt == null
                    ? held + "; no level above it broke one, so the limit is higher than the run went"
                    : held + "; at " + Check.format(brokenAt.sessionsPerSecond()) + " sessions/s ("
                    + Check.format(brokenAt.requestsPerSecond()) + " requests/s) first broke "
                    + String.join(", ", brokenAt.breaches())
                    + (brokenAt.cpu() == null ? "" : " (" + brokenAt.cpu().describe() + ")");
        }
    }

    /** Returns where the capacity run found the limit, or null for a run that is not a capacity run. */
    @com.fasterxml.jackson.annotation.JsonProperty(value = "capacityKnee", access =
            com.fasterxml.jackson.annotation.JsonProperty.Access.READ_ONLY)
    public Knee capacityKnee() {
        return capacity == null || capacity.isEmpty() ? null : Knee.of(capacity);
    }

    /** Returns the highest arrival rate at which every budget held, or 0 (also for runs that are not capacity runs). */
    public double capacitySessionsPerSecond() {
        Knee knee = capacityKnee();
        return knee == null ? 0 : knee.sessionsPerSecond();
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
