package dev.perfgate.harness;

import java.nio.file.Path;
import java.util.List;

import dev.perfgate.reports.Check;
import dev.perfgate.reports.RequestStats;
import dev.perfgate.reports.RunResult;

/** The console's account of a judged run: the exact figures per request, the capacity knee, what failed. */
final class VerdictTable {
    private VerdictTable() {
    }

    /** Prints the table of a run's requests, then its capacity levels, its baseline note and its failed checks. */
    static void print(String simulation, String profile, Path runDir, RunResult result, List<Check> checks,
                      String baselineNote, List<RunResult.CapacityLevel> levels) {
        System.out.println();
        System.out.printf("perfgate: %s, profile %s, exact latencies (ms; client, and the service's own as srv)%n",
                simulation, profile);
        System.out.printf("  %-26s %8s %6s %8s %8s %8s %8s %8s %6s %9s %9s %8s%n", "request", "count", "ko", "p50",
                "p95", "p99", "max", "req/s", "sql", "srv p50", "srv p95", "stalled");
        for (RequestStats r : result.requests()) {
            RequestStats.ServerTime srv = r.server();
            System.out.printf("  %-26s %8d %6d %8.0f %8.0f %8.0f %8.0f %8.1f %6s %9s %9s %8d%n", r.name(), r.count(),
                    r.ko(), r.p50Ms(), r.p95Ms(), r.p99Ms(), r.maxMs(), r.throughputPerSecond(),
                    r.statementsMax() < 0 ? "-" : Long.toString(r.statementsMax()),
                    srv == null ? "-" : String.format("%.3f", srv.p50Ms()),
                    srv == null ? "-" : String.format("%.3f", srv.p95Ms()), r.injectorStalled());
        }
        if (levels != null) {
            checks.stream().filter(c -> c.group().equals("capacity"))
                    .forEach(c -> System.out.println("perfgate: capacity " + c.verdict() + " " + c.subject() + ": " + c.rule()));
            System.out.println("perfgate: capacity knee: " + result.capacityKnee().describe());
        }
        System.out.println("perfgate: " + baselineNote);
        checks.stream().filter(Check::failed).forEach(c -> System.out.println("perfgate: FAILED " + c.describe()));
        System.out.printf("perfgate: %d checks, %d failed; results in %s%n", checks.size(),
                checks.stream().filter(Check::failed).count(), runDir);
    }
}
