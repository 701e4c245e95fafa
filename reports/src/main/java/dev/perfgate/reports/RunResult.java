package dev.perfgate.reports;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a load run produced that a machine should read: per-request exact results, the budgets as evaluated,
 * server-side figures read from the service after the run, and the environment of the measurement.
 */
public record RunResult(String simulation, String profile, String target, Instant startedAt, double durationSeconds,
                        RunEnvironment environment, List<RequestStats> requests, List<Check> budgets,
                        Map<String, Object> server) {

    /** Returns the stats of one request name, or null. */
    public RequestStats request(String name) {
        return requests.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }
}
