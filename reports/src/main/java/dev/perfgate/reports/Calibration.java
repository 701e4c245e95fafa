package dev.perfgate.reports;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gate's published false-alarm rate and sensitivity, measured on runs of one unchanged build: every run is
 * compared with every other under the tolerances (both directions), and every failed check is a false alarm, by
 * kind of check; every run's budget checks count too. Sensitivity is the smallest delay added to every answer of a
 * request that the gate would then flag in every observed pair: the shift that puts a new run's lower confidence
 * bound of its p50 or p95 (client or server time, as the gate judges it) beyond the baseline's upper bound by the
 * ratio and the floor, given the observed width of the intervals.
 *
 * <pre>
 * java -cp ... dev.perfgate.reports.Calibration OUT.json results.json... [--tolerance ratio floorMs errorPoints
 *     throughputRatio minSamples confidence serverFloorMs serverBelowMs]
 * </pre>
 * Exit status 0 (figures written), 2 bad arguments.
 */
public final class Calibration {
    private Calibration() {
    }

    /**
     * The figures of one calibration.
     *
     * @param runs          runs compared (of any simulations; each compared only with runs of its own)
     * @param invalidRuns   runs whose load generator stalled (their timing checks are void, as in the gate)
     * @param comparisons   ordered pairs of runs of the same simulation and profile
     * @param byKind        per kind of check ("regression p95Ms", "budget p99Ms", ...): {checks, false alarms}
     * @param sensitivity   per simulation/request: the smallest delay (ms) added to every answer that the gate
     *                      flags, NaN when no percentile of it is enforced
     */
    public record Result(String profile, int runs, int invalidRuns, int comparisons, Map<String, long[]> byKind,
                         Map<String, Double> sensitivity) {

        /** Returns the false alarms over all checks. */
        public long falseAlarms() {
            return byKind.values().stream().mapToLong(v -> v[1]).sum();
        }

        /** Returns the checks judged. */
        public long checks() {
            return byKind.values().stream().mapToLong(v -> v[0]).sum();
        }

        /** Returns a short HTML block for the regression page. */
        String html() {
            StringBuilder h = new StringBuilder("<details id=\"calibration\"><summary>How much to trust this verdict: ")
                    .append(String.format("%d false alarms in %d checks (%d runs of an unchanged build, %d comparisons,"
                            + " profile %s)", falseAlarms(), checks(), runs, comparisons, profile))
                    .append("</summary><table><tr><th class=l>check kind</th><th>checks</th><th>false alarms</th>"
                            + "<th>rate</th></tr>");
            byKind.forEach((k, v) -> h.append("<tr><td class=l>").append(ResultFiles.xml(k)).append("</td><td>")
                    .append(v[0]).append("</td><td>").append(v[1]).append("</td><td>")
                    .append(String.format("%.2f %%", v[0] == 0 ? 0 : 100.0 * v[1] / v[0])).append("</td></tr>"));
            h.append("</table><table><tr><th class=l>request</th><th>smallest added delay detected</th></tr>");
            sensitivity.forEach((k, v) -> h.append("<tr><td class=l>").append(ResultFiles.xml(k)).append("</td><td>")
                    .append(Double.isNaN(v) ? "not enforced (too few samples)" : String.format("+%.1f ms", v))
                    .append("</td></tr>"));
            return h.append("</table></details>").toString();
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the calibration and returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> files = new ArrayList<>(List.of(args));
        Tolerance t = Tolerance.DEFAULT;
        int at = files.indexOf("--tolerance");
        try {
            if (at >= 0) {
                List<String> v = files.subList(at + 1, files.size());
                if (v.size() != 8) {
                    throw new IllegalArgumentException("--tolerance takes 8 values, got " + v.size());
                }
                t = new Tolerance(Double.parseDouble(v.get(0)), Double.parseDouble(v.get(1)),
                        Double.parseDouble(v.get(2)), Double.parseDouble(v.get(3)), Integer.parseInt(v.get(4)),
                        Double.parseDouble(v.get(5)), Double.parseDouble(v.get(6)), Double.parseDouble(v.get(7)));
                files = new ArrayList<>(files.subList(0, at));
            }
        } catch (IllegalArgumentException e) {
            err.println("bad tolerance: " + e.getMessage());
            return 2;
        }
        if (files.size() < 3) {
            err.println("usage: Calibration OUT.json RESULTS.json RESULTS.json... [--tolerance ratio floorMs errorPoints"
                    + " throughputRatio minSamples confidence serverFloorMs serverBelowMs]");
            return 2;
        }
        List<RunResult> runs = new ArrayList<>();
        for (String f : files.subList(1, files.size())) {
            RunResult r = ResultFiles.read(Path.of(f));
            if (r == null || r.schemaVersion() != RunResult.SCHEMA_VERSION) {
                err.println(f + ": " + (r == null ? "no such file" : "schema version " + r.schemaVersion()
                        + ", needs " + RunResult.SCHEMA_VERSION));
                return 2;
            }
            runs.add(r);
        }
        Result result = calibrate(runs, t);
        ResultFiles.writeJson(Path.of(files.get(0)), result);
        out.println(markdown(result));
        return 0;
    }

    /** Compares every run with every other run of the same simulation and profile. */
    public static Result calibrate(List<RunResult> runs, Tolerance t) {
        Map<String, long[]> byKind = new TreeMap<>();
        Map<String, List<Double>> sensitivity = new TreeMap<>();
        int comparisons = 0;
        int invalid = 0;
        for (RunResult r : runs) {
            invalid += r.invalid() ? 1 : 0;
            count(byKind, Confirmation.applyValidity(r.budgets(), r.validity()));
        }
        for (RunResult base : runs) {
            for (RunResult now : runs) {
                if (base == now || !base.simulation().equals(now.simulation()) || !base.profile().equals(now.profile())) {
                    continue;
                }
                comparisons++;
                count(byKind, Confirmation.applyValidity(RegressionGate.compare(base, now, t), now.validity()));
                for (RequestStats b : base.requests()) {
                    RequestStats n = now.request(b.name());
                    if (n != null) {
                        sensitivity.computeIfAbsent(base.simulation() + " / " + b.name(), k -> new ArrayList<>())
                                .add(detectableMs(b, n, t));
                    }
                }
            }
        }
        Map<String, Double> worst = new TreeMap<>();
        sensitivity.forEach((k, v) -> worst.put(k, v.stream().anyMatch(d -> Double.isNaN(d)) ? Double.NaN
                : v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)));
        String profile = runs.isEmpty() ? "" : runs.getFirst().profile();
        return new Result(profile, runs.size(), invalid, comparisons, byKind, worst);
    }

    /**
     * Returns the smallest delay (ms) that, added to every answer, the gate flags on the p50 or the p95 of a request
     * given a baseline and a run whose interval width stands for the next run's; NaN when neither is enforced.
     */
    static double detectableMs(RequestStats base, RequestStats now, Tolerance t) {
        boolean server = t.judgedOnServer(base, now);
        double best = Double.NaN;
        for (double pct : new double[] {50, 95}) {
            Quantiles.Interval b = t.interval(base, pct, server);
            Quantiles.Interval n = t.interval(now, pct, server);
            if (!b.estimable() || !n.estimable()) {
                continue;
            }
            // the new low end must pass both the ratio and the floor over the baseline's high end
            double needed = Math.max(b.high() * t.latencyRatio(), b.high() + t.floorMs(server)) - n.low();
            best = Double.isNaN(best) ? needed : Math.min(best, needed);
        }
        return Double.isNaN(best) ? best : Math.max(0, Math.round(best * 10) / 10.0);
    }

    private static void count(Map<String, long[]> byKind, List<Check> checks) {
        for (Check c : checks) {
            if (c.verdict() == Check.Verdict.NEW) {
                continue;
            }
            long[] v = byKind.computeIfAbsent(c.group() + " " + c.metric(), k -> new long[2]);
            v[0]++;
            v[1] += c.failed() ? 1 : 0;
        }
    }

    /** Returns the figures as a Markdown table, as docs/gate.md quotes them. */
    public static String markdown(Result r) {
        StringBuilder s = new StringBuilder(String.format("%d runs (%d invalid), %d comparisons, %d checks, %d false"
                + " alarms%n%n| check kind | checks | false alarms | rate |%n| --- | --- | --- | --- |%n", r.runs(),
                r.invalidRuns(), r.comparisons(), r.checks(), r.falseAlarms()));
        r.byKind().forEach((k, v) -> s.append(String.format("| %s | %d | %d | %.2f %% |%n", k, v[0], v[1],
                v[0] == 0 ? 0 : 100.0 * v[1] / v[0])));
        s.append(String.format("%n| request | smallest added delay detected |%n| --- | --- |%n"));
        r.sensitivity().forEach((k, v) -> s.append(String.format("| %s | %s |%n", k,
                Double.isNaN(v) ? "not enforced" : String.format("+%.1f ms", v))));
        return s.toString();
    }

    /** Reads a calibration written by {@link #run}, or returns null when there is none. */
    public static Result read(Path file) {
        return ResultFiles.readJson(file, Result.class);
    }
}
