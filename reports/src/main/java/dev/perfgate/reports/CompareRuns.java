package dev.perfgate.reports;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.perfgate.reports.history.History;
import dev.perfgate.reports.history.HistoryEntry;

/**
 * Compares two runs with the same gate {@code gatling:test} applies, either two {@code results.json} files (a run
 * from another day or machine against a committed baseline) or any two runs of the history, named by run id (or a
 * unique start of it) or by commit (its latest run):
 * <pre>
 *   java -cp ... dev.perfgate.reports.CompareRuns BASELINE.json CURRENT.json \
 *       [latencyRatio latencyFloorMs errorPointsMax throughputRatio minSamples]
 *   java -cp ... dev.perfgate.reports.CompareRuns --history DIR|jdbc:postgresql:URL [--environment ENV]
 *       [--simulation NAME] [--out DIR] BASELINE_RUN_OR_COMMIT CURRENT_RUN_OR_COMMIT
 * </pre>
 * Prints every failed or warned check; with {@code --out} it also writes the regression page and JUnit XML a run
 * writes. Exits 1 when a check failed, 2 on bad arguments.
 */
public final class CompareRuns {
    private CompareRuns() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the comparison and returns the exit status: 0 passed, 1 a check failed, 2 bad arguments. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("--history")) {
            return fromHistory(args, out, err);
        }
        if (args.length != 2 && args.length != 7) {
            err.println("usage: CompareRuns BASELINE.json CURRENT.json [latencyRatio latencyFloorMs errorPointsMax"
                    + " throughputRatio minSamples]  (defaults 1.5 15 0.5 0.8 40)\n"
                    + "       CompareRuns --history DIR|URL [--environment ENV] [--simulation NAME] [--out DIR]"
                    + " BASELINE_RUN_OR_COMMIT CURRENT_RUN_OR_COMMIT");
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
        return report(baseline, current, args[0], t, null, out);
    }

    private static int fromHistory(String[] args, PrintStream out, PrintStream err) {
        String setting = null;
        String environment = null;
        String simulation = null;
        Path outDir = null;
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (List.of("--history", "--environment", "--simulation", "--out").contains(a)) {
                if (i + 1 >= args.length) {
                    err.println(a + " needs a value");
                    return 2;
                }
                String v = args[++i];
                switch (a) {
                    case "--history" -> setting = v;
                    case "--environment" -> environment = v;
                    case "--simulation" -> simulation = v;
                    default -> outDir = Path.of(v);
                }
            } else {
                runs.add(a);
            }
        }
        if (runs.size() != 2) {
            err.println("name two runs (a run id, or a commit), got " + runs);
            return 2;
        }
        History history;
        try {
            history = History.open(setting);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        if (history == null) {
            err.println("--history was \"" + setting + "\": name a history directory or database");
            return 2;
        }
        List<String> environments = history.environments();
        if (environment == null) {
            if (environments.size() != 1) {
                err.println("the history at " + history.describe() + " has " + environments.size() + " environments "
                        + environments + ": name one with --environment");
                return 2;
            }
            environment = environments.getFirst();
        } else if (!environments.contains(environment)) {
            err.println("--environment was \"" + environment + "\", not in the history: " + environments);
            return 2;
        }
        History.Loaded loaded = history.load(environment);
        loaded.problems().forEach(p -> err.println(p.describe()));
        HistoryEntry[] found = new HistoryEntry[2];
        for (int i = 0; i < 2; i++) {
            String name = runs.get(i);
            String sim = simulation;
            List<HistoryEntry> matches = loaded.entries().stream()
                    .filter(e -> e.kind().equals("gatling") && (sim == null || e.group().equals(sim)))
                    .filter(e -> e.id().equals(name) || e.id().startsWith(name)
                            || e.gitCommit() != null && name.length() >= 4 && e.gitCommit().startsWith(name))
                    .toList();
            if (matches.isEmpty()) {
                err.println("no run " + name + " (run id or commit) in " + environment
                        + (sim == null ? "" : " for " + sim));
                return 2;
            }
            List<String> groups = matches.stream().map(HistoryEntry::group).distinct().toList();
            if (groups.size() > 1) {
                err.println(name + " matches runs of " + groups + ": name the simulation with --simulation");
                return 2;
            }
            found[i] = matches.getLast(); // a commit's latest run
        }
        if (!found[0].group().equals(found[1].group())) {
            err.println(found[0].id() + " is a run of " + found[0].group() + ", " + found[1].id() + " of "
                    + found[1].group() + ": compare runs of one simulation");
            return 2;
        }
        RunResult baseline = history.result(environment, found[0].id());
        RunResult current = history.result(environment, found[1].id());
        out.println("comparing " + found[1].id() + " (commit " + found[1].shortCommit() + ") with " + found[0].id()
                + " (commit " + found[0].shortCommit() + ")");
        return report(baseline, current, found[0].id(), Tolerance.DEFAULT, outDir, out);
    }

    private static int report(RunResult baseline, RunResult current, String baselineName, Tolerance t, Path outDir,
                              PrintStream out) {
        List<Check> checks = RegressionGate.compare(baseline, current, t);
        checks.stream().filter(c -> c.verdict() != Check.Verdict.PASS).forEach(c -> out.println(c.describe()));
        long failed = checks.stream().filter(Check::failed).count();
        if (outDir != null) {
            String title = current.simulation() + ": " + current.startedAt() + " against " + baselineName;
            ResultFiles.writeJUnit(outDir.resolve("junit.xml"), current.simulation(), checks, 0);
            ResultFiles.writeRegressionPage(outDir.resolve("regression.html"), new ResultFiles.Page(title, checks, null,
                    current.validity(), List.of("compared with " + baselineName), null));
        }
        out.printf("%s vs %s: %d checks, %d failed, %d warned%n", current.simulation(), baselineName, checks.size(),
                failed, checks.stream().filter(c -> c.verdict() == Check.Verdict.WARN).count());
        return failed > 0 ? 1 : 0;
    }
}
