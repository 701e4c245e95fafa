package dev.perfgate.reports.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.perfgate.reports.Check;

/**
 * The gate over the history: a slow drift passes every comparison with the previous run (5 steps of 8 % each pass
 * a 1.5x ratio) but is one shift between the runs before and after it. After each run, every series of its
 * simulation over the latest {@code window} runs (this one included) is searched for change points
 * ({@link ChangePoints}); the build fails when the latest one makes things worse and holds: at least
 * {@code minAfter} runs on the new level (this run among them: one slow run is the pairwise gate's business), worse
 * by at least {@code minShift} between the medians of the levels before and after (and a metric's floor: 1 ms,
 * half an error point, half a statement), significant at the detection's p-value, and not accepted — a change that
 * started before the baseline was last recorded is the level the team accepted.
 */
public final class TrendGate {
    private TrendGate() {
    }

    /**
     * @param window    latest runs searched
     * @param minShift  smallest relative worsening that fails (0.10: 10 %)
     * @param minAfter  fewest runs on the new level
     */
    public record Settings(int window, double minShift, int minAfter, ChangePoints.Settings detection) {
        public static final Settings DEFAULT = new Settings(30, 0.10, 3, ChangePoints.Settings.DEFAULT);

        /** Fewest runs in a series before it is searched at all. */
        public int minRuns() {
            return 2 * Math.max(minAfter, detection.minSize()) + 2;
        }
    }

    /** A worsening change point, with what the check and the site say about it. */
    public record Shift(Series series, int index, HistoryEntry startedAt, double before, double after, double p) {
        /** The relative worsening: above 0 is worse, whatever the metric's direction. */
        public double worse() {
            return series.higherIsBetter() ? before / after - 1 : after / before - 1;
        }
    }

    /**
     * Checks a run against its history: a failing check per worsening change point, or one passing (or NEW, when the
     * history is still too short) check for the whole run.
     *
     * @param earlier        the history of the run's environment, without the run itself
     * @param acceptedBefore changes that started at or before this instant are accepted (the baseline's run), or null
     */
    public static List<Check> check(List<HistoryEntry> earlier, HistoryEntry current, Instant acceptedBefore,
                                    Settings settings) {
        List<HistoryEntry> all = new ArrayList<>(earlier.stream().filter(e -> e.group().equals(current.group()))
                .toList());
        all.add(current);
        List<Check> out = new ArrayList<>();
        int searched = 0;
        for (Series full : Series.of(all).values()) {
            Series s = full.last(settings.window());
            if (s.values().length < settings.minRuns() || s.runs().getLast() != current) {
                continue;
            }
            searched++;
            Shift shift = lastingWorsening(s, settings);
            if (shift == null
                    || acceptedBefore != null && !shift.startedAt().startedAt().isAfter(acceptedBefore)) {
                continue;
            }
            out.add(new Check("trend", s.subject(), s.metric(), shift.before(), shift.after(), Check.Verdict.FAIL,
                    String.format(Locale.ROOT, "change point %d runs ago, from run %s (commit %s, %s): %s -> %s"
                                    + " (%+.1f %%), E-Divisive means p = %.3f over the last %d runs",
                            s.values().length - shift.index(), shift.startedAt().id(), shift.startedAt().shortCommit(),
                            shift.startedAt().startedAt(), Check.format(shift.before()), Check.format(shift.after()),
                            100 * shift.worse(), shift.p(), s.values().length)));
        }
        if (out.isEmpty()) {
            int runs = all.size();
            out.add(searched == 0
                    ? new Check("trend", "global", "changePoints", Double.NaN, runs, Check.Verdict.NEW,
                            "the history has " + runs + " run(s) of " + current.group() + " in this environment; change"
                                    + " points are searched from " + settings.minRuns())
                    : new Check("trend", "global", "changePoints", 0, 0, Check.Verdict.PASS, searched + " series over"
                            + " the last " + Math.min(runs, settings.window()) + " runs: no lasting worsening"));
        }
        return out;
    }

    /**
     * The latest change point of a series' last {@code window} runs when it is a lasting worsening — the series ends
     * on the new level for at least {@code minAfter} runs, worse by {@code minShift} and the metric's floor — else
     * null (also for a series shorter than {@code minRuns}). What the gate fails on and the site's verdict lists.
     */
    static Shift lastingWorsening(Series full, Settings settings) {
        Series s = full.last(settings.window());
        if (s.values().length < settings.minRuns()) {
            return null;
        }
        List<Shift> shifts = shifts(s, settings.detection());
        if (shifts.isEmpty()) {
            return null;
        }
        Shift last = shifts.getLast();
        if (s.values().length - last.index() < settings.minAfter() || last.worse() < settings.minShift()
                || Math.abs(last.after() - last.before()) < floor(s.metric())) {
            return null;
        }
        return last;
    }

    /** Every change point of a series, with the levels around it (for the trend site). */
    public static List<Shift> shifts(Series s, ChangePoints.Settings detection) {
        List<ChangePoints.ChangePoint> points = ChangePoints.detect(s.values(), detection, s.seed());
        List<Shift> out = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            int from = i == 0 ? 0 : points.get(i - 1).index();
            int to = i + 1 < points.size() ? points.get(i + 1).index() : s.values().length;
            int at = points.get(i).index();
            out.add(new Shift(s, at, s.runs().get(at), median(Arrays.copyOfRange(s.values(), from, at)),
                    median(Arrays.copyOfRange(s.values(), at, to)), points.get(i).p()));
        }
        return out;
    }

    /** The smallest absolute change of a metric worth failing a build for. */
    static double floor(String metric) {
        if (metric.endsWith("Ms")) {
            return 1.0;
        }
        return switch (metric) {
            case "errorPercent", "statementsMean" -> 0.5;
            default -> 0;
        };
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        int n = c.length;
        return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    }
}
