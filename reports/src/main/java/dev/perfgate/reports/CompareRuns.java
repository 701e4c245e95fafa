package dev.perfgate.reports;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Compares two runs' {@code results.json} offline with the same gate {@code gatling:test} applies, e.g. a run from
 * another day or machine against a committed baseline:
 * <pre>
 *   java -cp 'reports/target/classes:...' dev.perfgate.reports.CompareRuns BASELINE.json CURRENT.json \
 *       [latencyRatio latencyFloorMs errorPointsMax throughputRatio minSamples]
 * </pre>
 * Prints every failed or warned check and exits 1 when one failed, 2 on bad arguments.
 */
public final class CompareRuns {
    private CompareRuns() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the comparison and returns the exit status: 0 passed, 1 a check failed, 2 bad arguments. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2 && args.length != 7) {
            err.println("usage: CompareRuns BASELINE.json CURRENT.json [latencyRatio latencyFloorMs errorPointsMax"
                    + " throughputRatio minSamples]  (defaults 1.5 15 0.5 0.8 40)");
            return 2;
        }
        Tolerance t;
        try {
            t = args.length == 7
                    ? new Tolerance(Double.parseDouble(args[2]), Double.parseDouble(args[3]), Double.parseDouble(args[4]),
                            Double.parseDouble(args[5]), Integer.parseInt(args[6]))
                    : new Tolerance(1.5, 15, 0.5, 0.8, 40);
        } catch (IllegalArgumentException e) {
            err.println("bad tolerance: " + e.getMessage());
            return 2;
        }
        RunResult baseline = ResultFiles.read(Path.of(args[0]));
        RunResult current = ResultFiles.read(Path.of(args[1]));
        if (baseline == null || current == null) {
            err.println("no such file: " + (baseline == null ? args[0] : args[1]));
            return 2;
        }
        List<Check> checks = RegressionGate.compare(baseline, current, t);
        checks.stream().filter(c -> c.verdict() != Check.Verdict.PASS).forEach(c -> out.println(c.describe()));
        long failed = checks.stream().filter(Check::failed).count();
        out.printf("%s vs %s: %d checks, %d failed, %d warned%n", current.simulation(), args[0], checks.size(),
                failed, checks.stream().filter(c -> c.verdict() == Check.Verdict.WARN).count());
        return failed > 0 ? 1 : 0;
    }
}
