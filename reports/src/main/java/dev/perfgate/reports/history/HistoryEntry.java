package dev.perfgate.reports.history;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.perfgate.reports.Check;
import dev.perfgate.reports.JmhResults;
import dev.perfgate.reports.RequestStats;
import dev.perfgate.reports.RunEnvironment;
import dev.perfgate.reports.RunResult;

/**
 * One run in the history, as series points: a Gatling simulation's requests (client and server percentiles,
 * throughput, error rate, SQL statements per request) or a JMH run's benchmark scores, with where and when it ran.
 *
 * @param id          unique in its history (the stored file's name without {@code .json}, or the row's id)
 * @param kind        "gatling" or "jmh"
 * @param group       the simulation's name, or "jmh"
 * @param environment the environment key runs are kept apart by ({@link #environmentKey})
 * @param valid       false when the load generator was found stalled: its timing points are left out of series
 * @param budgets     each budget's limit by {@code request|metric}, as the run evaluated them
 */
public record HistoryEntry(String id, String kind, String group, String environment, String gitCommit,
                           Instant startedAt, boolean valid, List<Point> points, Map<String, Double> budgets) {

    /**
     * One figure of the run.
     *
     * @param subject         the request name or benchmark
     * @param metric          e.g. {@code p95Ms}, {@code throughputPerSecond}, {@code score}
     * @param error           the half-width of its confidence interval (JMH), or NaN
     * @param higherIsBetter  throughput and JMH throughput scores; a rise of anything else is a worsening
     * @param timing          depends on timing (left out of a run found invalid)
     */
    public record Point(String subject, String metric, double value, double error, boolean higherIsBetter,
                        boolean timing) {
    }

    /**
     * The key runs are kept apart by: a number measured on 2 CPUs with JDK 21 says nothing about one measured on 16
     * with JDK 25, nor a "ci" profile about a "smoke" one.
     */
    public static String environmentKey(RunEnvironment e, String profile) {
        if (e == null) {
            return clean(profile + "-unknown");
        }
        String java = e.javaVersion() == null ? "unknown" : e.javaVersion().split("[.+-]")[0];
        return clean(profile + "-" + e.availableProcessors() + "cpu-java" + java + "-" + e.osName() + "-" + e.osArch());
    }

    private static String clean(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]+", "_");
    }

    /** The points of a Gatling run's results. */
    public static HistoryEntry of(String id, RunResult r) {
        List<Point> points = new ArrayList<>();
        for (RequestStats s : r.requests()) {
            points.add(new Point(s.name(), "p50Ms", s.p50Ms(), Double.NaN, false, true));
            points.add(new Point(s.name(), "p95Ms", s.p95Ms(), Double.NaN, false, true));
            points.add(new Point(s.name(), "p99Ms", s.p99Ms(), Double.NaN, false, true));
            if (s.server() != null && s.server().count() > 0) {
                points.add(new Point(s.name(), "serverP50Ms", s.server().p50Ms(), Double.NaN, false, true));
                points.add(new Point(s.name(), "serverP95Ms", s.server().p95Ms(), Double.NaN, false, true));
                points.add(new Point(s.name(), "serverP99Ms", s.server().p99Ms(), Double.NaN, false, true));
            }
            points.add(new Point(s.name(), "throughputPerSecond", s.throughputPerSecond(), Double.NaN, true, true));
            points.add(new Point(s.name(), "errorPercent", s.errorPercent(), Double.NaN, false, false));
            if (s.statementsMean() >= 0) {
                points.add(new Point(s.name(), "statementsMean", s.statementsMean(), Double.NaN, false, false));
            }
        }
        Map<String, Double> budgets = new LinkedHashMap<>();
        for (Check c : r.budgets() == null ? List.<Check>of() : r.budgets()) {
            if ("budget".equals(c.group()) && !Double.isNaN(c.expected())) {
                budgets.put(c.subject() + "|" + c.metric(), c.expected());
            }
        }
        RunEnvironment env = r.environment();
        return new HistoryEntry(id, "gatling", r.simulation(), environmentKey(env, r.profile()),
                env == null ? "unknown" : env.gitCommit(), r.startedAt(), !r.invalid(), points, budgets);
    }

    /** The points of a JMH run: each benchmark's score with its interval. */
    public static HistoryEntry ofJmh(String id, List<JmhResults.Score> scores, RunEnvironment env, String profile,
                                     Instant startedAt) {
        List<Point> points = new ArrayList<>();
        for (JmhResults.Score s : scores) {
            points.add(new Point(s.id(), "score (" + s.unit() + ")", s.score(), (s.high() - s.low()) / 2,
                    s.higherIsBetter(), true));
        }
        return new HistoryEntry(id, "jmh", "jmh", environmentKey(env, profile), env == null ? "unknown"
                : env.gitCommit(), startedAt, true, points, Map.of());
    }

    /** The commit shortened for people. */
    public String shortCommit() {
        return gitCommit == null || gitCommit.length() < 7 ? String.valueOf(gitCommit) : gitCommit.substring(0, 7);
    }
}
