package dev.perfgate.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Runs the forks of the benchmarks whose ratio to a raw reference is a goal in turns, and merges them back into JMH's
 * result format.
 *
 * <p>JMH runs every fork of one benchmark before it starts the next, so the two sides of a pair are measured minutes
 * apart. On a shared 2-core machine a fork runs in one of two speeds the machine picks (docs/benchmarks.md: the same
 * compiled code at 18–22 ns or at 32–49 ns), and a ratio then says which stretch each side drew more than what the
 * code costs. Here each ratio side (a benchmark marked {@code @Fork(Forks.RATIO)}) runs one fork per round, beside the
 * other ratio sides of its class; the order reverses every round (A B, B A, A B), so neither side always runs first.
 * The forks are then merged as if JMH had run them together: every iteration of every fork, with JMH's own statistics
 * ({@link ListStatistics}: the mean, the 99.9 % Student-t interval, the percentiles).
 */
final class InterleavedForks {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final double CONFIDENCE = 0.999; // what JMH reports as "Error"

    private InterleavedForks() {
    }

    /** The ratio sides among the benchmarks {@code include} selects, in JMH's order (class, then method). */
    static List<String> ratioSides(String include) {
        List<String> out = new ArrayList<>();
        for (BenchmarkListEntry e : find(include, List.of())) {
            if (e.getForks().orElse(-1) == Forks.RATIO && !out.contains(e.getUsername())) {
                out.add(e.getUsername());
            }
        }
        return out;
    }

    /** Whether {@code include} selects any benchmark besides the ones {@code exclude} names. */
    static boolean anyBesides(String include, String exclude) {
        return !find(include, exclude == null ? List.of() : List.of(exclude)).isEmpty();
    }

    /** The benchmarks of this jar that JMH would run for these patterns, as JMH matches them. */
    private static SortedSet<BenchmarkListEntry> find(String include, List<String> excludes) {
        return BenchmarkList.defaultList().find(OutputFormatFactory.createFormatInstance(System.out,
                VerboseMode.SILENT), List.of(include), excludes);
    }

    /** A regex that matches exactly the given benchmarks, for JMH's include or exclude. */
    static String exactly(List<String> benchmarks) {
        return "^(" + String.join("|", benchmarks.stream().map(Pattern::quote).toList()) + ")$";
    }

    /**
     * The order of the single-fork runs: for each round, each class's ratio sides together, the order reversed every
     * other round. {@code sides} is in JMH's order, so a class's sides are adjacent.
     */
    static List<String> schedule(List<String> sides, int rounds) {
        Map<String, List<String>> byClass = new LinkedHashMap<>();
        sides.forEach(s -> byClass.computeIfAbsent(s.substring(0, s.lastIndexOf('.')), c -> new ArrayList<>()).add(s));
        List<String> out = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (List<String> group : byClass.values()) {
                out.addAll(round % 2 == 0 ? group : group.reversed());
            }
        }
        return out;
    }

    /**
     * Runs {@code schedule} one JMH run at a time (one benchmark, with {@code settings} applied: one fork, or whatever
     * a test asks for), each writing its JSON under {@code dir}, and returns their merged entries.
     */
    static List<JsonNode> run(List<String> schedule, Path dir, UnaryOperator<ChainedOptionsBuilder> settings,
            PrintStream log) throws IOException, RunnerException {
        Files.createDirectories(dir);
        List<JsonNode> entries = new ArrayList<>();
        for (int i = 0; i < schedule.size(); i++) {
            String benchmark = schedule.get(i);
            Path file = dir.resolve(String.format("%02d-%s.json", i + 1,
                    benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1)));
            log.printf("perfgate: interleaved fork %d of %d: %s%n", i + 1, schedule.size(), benchmark);
            new Runner(settings.apply(new OptionsBuilder().include(exactly(List.of(benchmark)))
                    .resultFormat(ResultFormatType.JSON).result(file.toString())).build()).run();
            if (Files.exists(file)) { // a fork that failed leaves no result; its side has a fork fewer
                MAPPER.readTree(file.toFile()).forEach(entries::add);
            }
        }
        return merge(entries);
    }

    /**
     * Merges JMH result entries of the same benchmark, mode and parameters (in the order given) into one entry each,
     * as JMH writes a run of several forks: {@code rawData} holds every fork's iterations, {@code forks} counts them,
     * and the score, its error, interval and percentiles are computed from all iterations the way JMH computes them.
     * Secondary metrics (from profilers) are dropped: their aggregation (a sum for {@code gc.count}, a mean for most)
     * is not in the JSON, so they cannot be merged faithfully.
     */
    static List<JsonNode> merge(List<JsonNode> entries) {
        Map<String, List<JsonNode>> byKey = new LinkedHashMap<>();
        for (JsonNode e : entries) {
            String key = e.path("benchmark").asText() + " " + e.path("mode").asText() + " " + e.path("params");
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
        }
        List<JsonNode> out = new ArrayList<>();
        byKey.forEach((key, same) -> out.add(mergeOne(key, same)));
        return out;
    }

    private static JsonNode mergeOne(String key, List<JsonNode> same) {
        ObjectNode merged = same.getFirst().deepCopy();
        ArrayNode raw = JsonNodeFactory.instance.arrayNode();
        ListStatistics stats = new ListStatistics();
        for (JsonNode e : same) {
            JsonNode m = e.path("primaryMetric");
            if (m.has("rawDataHistogram") || !m.path("rawData").isArray()) {
                throw new IllegalArgumentException("cannot merge forks of " + key + ": only per-iteration rawData"
                        + " (modes avgt and thrpt) can be merged, this entry has "
                        + (m.has("rawDataHistogram") ? "rawDataHistogram" : "no rawData"));
            }
            if (!m.path("scoreUnit").equals(same.getFirst().path("primaryMetric").path("scoreUnit"))) {
                throw new IllegalArgumentException("cannot merge forks of " + key + ": units "
                        + same.getFirst().path("primaryMetric").path("scoreUnit") + " and " + m.path("scoreUnit"));
            }
            for (JsonNode fork : m.path("rawData")) {
                raw.add(fork);
                fork.forEach(v -> stats.addValue(v.asDouble()));
            }
        }
        ObjectNode metric = (ObjectNode) merged.path("primaryMetric");
        metric.put("score", stats.getMean());
        putNumber(metric, "scoreError", stats.getMeanErrorAt(CONFIDENCE));
        ArrayNode confidence = metric.putArray("scoreConfidence");
        for (double bound : stats.getConfidenceIntervalAt(CONFIDENCE)) {
            confidence.add(Double.isNaN(bound) ? JsonNodeFactory.instance.textNode("NaN")
                    : JsonNodeFactory.instance.numberNode(bound));
        }
        ObjectNode percentiles = metric.putObject("scorePercentiles");
        same.getFirst().path("primaryMetric").path("scorePercentiles").fieldNames().forEachRemaining(
                p -> percentiles.put(p, stats.getPercentile(Double.parseDouble(p))));
        metric.set("rawData", raw);
        merged.put("forks", raw.size());
        merged.putObject("secondaryMetrics");
        return merged;
    }

    /** One iteration has no interval: JMH writes the error as the string "NaN", which JSON numbers cannot hold. */
    private static void putNumber(ObjectNode node, String field, double value) {
        if (Double.isNaN(value)) {
            node.put(field, "NaN");
        } else {
            node.put(field, value);
        }
    }

    /** The mean of each fork of an entry's primary metric, in the order of its forks (of the rounds, once merged). */
    static List<Double> forkMeans(JsonNode entry) {
        List<Double> out = new ArrayList<>();
        for (JsonNode fork : entry.path("primaryMetric").path("rawData")) {
            double sum = 0;
            for (JsonNode v : fork) {
                sum += v.asDouble();
            }
            out.add(fork.isEmpty() ? Double.NaN : sum / fork.size());
        }
        return out;
    }

    /** JMH's order for a result file: by benchmark name, keeping the order of parameter sets within one. */
    static List<JsonNode> sorted(List<JsonNode> entries) {
        List<JsonNode> out = new ArrayList<>(entries);
        out.sort(Comparator.comparing(e -> e.path("benchmark").asText()));
        return out;
    }
}
