package dev.perfgate.reports;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.perfgate.reports.history.History;
import dev.perfgate.reports.history.HistoryEntry;
import dev.perfgate.reports.history.TrendGate;
import dev.perfgate.reports.history.TrendSite;

/**
 * The benchmark regression gate: a benchmark regresses only when its confidence interval does not overlap the
 * baseline's <b>and</b> it is worse by more than the ratio (default 1.15). Either alone is noise on a shared machine:
 * disjoint intervals with a 3 % difference are real but not worth a red build, and a 30 % difference inside wide
 * intervals is not established. "Worse" follows the unit: lower throughput ({@code ops/…}) or higher time
 * ({@code …/op}) — comparing by a fixed direction is the bug github-action-benchmark has for time units. A path
 * measured beside the raw library it wraps is judged by its overhead over that library in the same run, so a new
 * machine, which moves both, does not fail it (see {@link #compare}).
 *
 * <pre>
 *   java -cp reports/target/classes:… dev.perfgate.reports.JmhGate BASELINE.json CURRENT.json [ratio] [outDir]
 * </pre>
 * Prints every check that did not pass, writes {@code jmh-regression.html} and {@code jmh-junit.xml} to outDir (the
 * current file's directory by default), and exits 1 naming the regressed benchmarks, 2 on bad arguments. With
 * {@code --history} the run is also judged against the earlier JMH runs of this environment (a lasting worsening
 * fails like a regression, see {@link TrendGate}), appended, and the trend site written ({@code --trends}, default
 * outDir/trends).
 */
public final class JmhGate {
    static final double DEFAULT_RATIO = 1.15;

    private JmhGate() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Compares two runs. A path of perfgate's measured beside its raw library ({@link OptimizationTable#references()})
     * is judged by its overhead over that library in the same run as well as by its time, when both runs hold the
     * library (see {@code againstLibrary}). A raw library's own time is not perfgate's code: when it would fail, the
     * check warns that the machine (or the library's version) changed. Every other benchmark is judged by its time.
     */
    public static List<Check> compare(List<JmhResults.Score> baseline, List<JmhResults.Score> current, double ratio) {
        Map<String, JmhResults.Score> before = new LinkedHashMap<>();
        baseline.forEach(s -> before.put(s.id(), s));
        Map<String, JmhResults.Score> thenByShort = new LinkedHashMap<>();
        baseline.forEach(s -> thenByShort.put(OptimizationTable.shortId(s.id()), s));
        Map<String, JmhResults.Score> nowByShort = new LinkedHashMap<>();
        current.forEach(s -> nowByShort.put(OptimizationTable.shortId(s.id()), s));
        Map<String, String> referenceOf = OptimizationTable.references();
        Set<String> libraries = new HashSet<>(referenceOf.values());
        List<Check> checks = new ArrayList<>();
        for (JmhResults.Score now : current) {
            JmhResults.Score then = before.remove(now.id());
            String metric = now.mode() + " " + now.unit();
            if (then == null) {
                checks.add(new Check("benchmark", now.id(), metric, Double.NaN, now.score(), Check.Verdict.NEW,
                        "not in the baseline"));
                continue;
            }
            if (!then.unit().equals(now.unit())) {
                checks.add(new Check("benchmark", now.id(), metric, then.score(), now.score(), Check.Verdict.WARN,
                        "unit changed from " + then.unit() + ": not compared"));
                continue;
            }
            String shortId = OptimizationTable.shortId(now.id());
            String library = referenceOf.get(shortId);
            if (library != null && nowByShort.containsKey(library) && thenByShort.containsKey(library)) {
                checks.add(againstLibrary(now, then, library, nowByShort.get(library), thenByShort.get(library),
                        ratio));
                continue;
            }
            double worse = now.worseBy(then);
            boolean disjoint = !now.overlaps(then);
            boolean fails = disjoint && worse > ratio;
            String rule = String.format("%s is better; %.2fx %s; intervals %s; fails when disjoint and worse than %.2fx",
                    now.higherIsBetter() ? "higher" : "lower", worse >= 1 ? worse : 1 / worse,
                    worse >= 1 ? "worse" : "better", disjoint ? "disjoint" : "overlap", ratio);
            Check.Verdict verdict = fails ? Check.Verdict.FAIL : Check.Verdict.PASS;
            if (fails && libraries.contains(shortId)) {
                verdict = Check.Verdict.WARN;
                rule = "a raw library alone, not perfgate's code: the machine or the library's version changed, and"
                        + " the paths measured beside it are judged by their overhead over it too; " + rule;
            }
            checks.add(new Check("benchmark", now.id(), metric, then.score(), now.score(), verdict, rule));
        }
        for (JmhResults.Score gone : before.values()) {
            checks.add(new Check("benchmark", gone.id(), gone.mode() + " " + gone.unit(), gone.score(), Double.NaN,
                    Check.Verdict.WARN, "in the baseline but not in this run"));
        }
        return checks;
    }

    /**
     * A path measured beside its raw library. It regresses when its overhead over the library (its time / the
     * library's, in each run) is worse by more than the ratio and <b>either</b> the overhead's intervals (both sides'
     * relative errors combined) are disjoint, <b>or</b> its time fails the time rule. The second keeps the time rule's
     * sensitivity where the library's interval is wide; the overhead condition drops the time failures that the
     * library's own move explains (a slower machine moves both).
     */
    private static Check againstLibrary(JmhResults.Score now, JmhResults.Score then, String library,
            JmhResults.Score libraryNow, JmhResults.Score libraryThen, double ratio) {
        OptimizationTable.Ratio overheadNow = OptimizationTable.ratio(now, libraryNow);
        OptimizationTable.Ratio overheadThen = OptimizationTable.ratio(then, libraryThen);
        double worse = overheadNow.value() / overheadThen.value();
        boolean disjoint = !overheadNow.overlaps(overheadThen);
        double timeWorse = now.worseBy(then);
        boolean timeFails = !now.overlaps(then) && timeWorse > ratio;
        Check.Verdict verdict = worse > ratio && (disjoint || timeFails) ? Check.Verdict.FAIL : Check.Verdict.PASS;
        String rule = String.format("overhead over %s in the same run: %.2fx ± %.2f then, %.2fx ± %.2f now, %.2fx %s,"
                        + " intervals %s; its time %.4g then, %.4g now %s, %.2fx %s, %s; fails when the overhead is"
                        + " worse than %.2fx and its intervals or the times' are disjoint beyond that",
                library, overheadThen.value(), overheadThen.error(), overheadNow.value(), overheadNow.error(),
                worse >= 1 ? worse : 1 / worse,
                worse >= 1 ? "worse" : "better", disjoint ? "disjoint" : "overlap", then.score(), now.score(),
                now.unit(), timeWorse >= 1 ? timeWorse : 1 / timeWorse, timeWorse >= 1 ? "worse" : "better",
                timeFails ? "which fails the time rule" : "which passes the time rule", ratio);
        return new Check("benchmark", now.id(), "overhead over " + library, overheadThen.value(), overheadNow.value(),
                verdict, rule);
    }

    /** Runs the gate on two files; returns 0 passed, 1 regressed, 2 bad arguments. */
    public static int run(String[] arguments, PrintStream out, PrintStream err) {
        List<String> positional = new ArrayList<>();
        String historySetting = null;
        Path trendsDir = null;
        for (int i = 0; i < arguments.length; i++) {
            switch (arguments[i]) {
                case "--history", "--trends" -> {
                    if (i + 1 >= arguments.length) {
                        err.println(arguments[i] + " needs a value");
                        return 2;
                    }
                    if (arguments[i].equals("--history")) {
                        historySetting = arguments[++i];
                    } else {
                        trendsDir = Path.of(arguments[++i]);
                    }
                }
                default -> positional.add(arguments[i]);
            }
        }
        String[] args = positional.toArray(String[]::new);
        if (args.length < 2 || args.length > 4) {
            err.println("usage: JmhGate BASELINE.json CURRENT.json [ratio (default " + DEFAULT_RATIO + ")] [outDir]"
                    + " [--history DIR|jdbc:postgresql:URL [--trends DIR]]");
            return 2;
        }
        double ratio;
        try {
            ratio = args.length >= 3 ? Double.parseDouble(args[2]) : DEFAULT_RATIO;
            if (!(ratio >= 1)) {
                throw new NumberFormatException("must be at least 1");
            }
        } catch (NumberFormatException e) {
            err.println("ratio was \"" + args[2] + "\", must be a number of at least 1");
            return 2;
        }
        List<Check> checks;
        List<JmhResults.Score> currentScores;
        try {
            currentScores = JmhResults.read(Path.of(args[1]));
            checks = compare(JmhResults.read(Path.of(args[0])), currentScores, ratio);
        } catch (RuntimeException e) {
            err.println(e.getMessage());
            return 2;
        }
        Path current = Path.of(args[1]).toAbsolutePath();
        Path outDir = args.length == 4 ? Path.of(args[3]) : current.getParent();
        String trendsLink = null;
        if (historySetting != null) {
            try {
                History history = History.open(historySetting);
                if (history != null) {
                    RunEnvironment env = RunEnvironment.capture("jmh");
                    Instant at = Instant.now();
                    JsonNode json = new ObjectMapper().readTree(current.toFile());
                    HistoryEntry entry = HistoryEntry.ofJmh("current", currentScores, env, "jmh", at);
                    History.Loaded loaded = history.load(entry.environment());
                    loaded.problems().forEach(p -> out.println(p.describe()));
                    checks.addAll(TrendGate.check(loaded.entries(), entry, null, TrendGate.Settings.DEFAULT));
                    history.appendJmh(json, env, "jmh", at);
                    TrendSite.Written site = TrendSite.write(history, trendsDir == null ? outDir.resolve("trends")
                            : trendsDir, out);
                    Path page = site.pages().get(entry.environment());
                    trendsLink = page == null ? null : page.toUri().toString();
                }
            } catch (java.io.IOException | RuntimeException e) {
                err.println("history " + historySetting + " not used: " + e.getMessage());
            }
        }
        ResultFiles.writeJUnit(outDir.resolve("jmh-junit.xml"), "jmh.regression", checks, 0);
        ResultFiles.writeRegressionPage(outDir.resolve("jmh-regression.html"), new ResultFiles.Page("JMH: "
                + current.getFileName() + " against " + args[0], checks, null, null, List.of(), null, trendsLink, null, null));
        checks.stream().filter(c -> c.verdict() != Check.Verdict.PASS).forEach(c -> out.println(c.describe()));
        List<String> failed = checks.stream().filter(Check::failed).map(Check::subject).toList();
        out.printf("%d benchmarks compared, %d regressed%s%n", checks.size(), failed.size(),
                failed.isEmpty() ? "" : ": " + String.join(", ", failed));
        return failed.isEmpty() ? 0 : 1;
    }
}
