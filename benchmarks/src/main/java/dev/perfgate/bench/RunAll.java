package dev.perfgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import dev.perfgate.reports.BaselinePolicy;
import dev.perfgate.reports.JmhGate;
import dev.perfgate.reports.JmhResults;
import dev.perfgate.reports.OptimizationTable;
import dev.perfgate.reports.RunEnvironment;

/**
 * Runs the benchmarks as a recorded run: results and environment under {@code reports/runs/<timestamp>-jmh/}, the
 * before/after table ({@code reports/OPTIMIZATIONS.md} and {@code .html}, rewritten only by a thorough run of the whole
 * suite; every run writes its own into its directory), and the regression gate against
 * {@code reports/baselines/jmh.json} ({@code jmh-quick.json} for {@code --quick}).
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar dev.perfgate.bench.RunAll [--quick] [--include REGEX]
 *        [--baseline compare|update|off]
 * </pre>
 * {@code --quick}: one fork, 2 × 0.5 s warm-up, 3 × 0.5 s measurement — every benchmark in a few minutes, for CI and a
 * developer's loop. Without it each class's own (thorough) settings apply, and the benchmarks whose ratio to a raw
 * reference is a goal run their forks in turns ({@link InterleavedForks}); each single run's JSON stays under
 * {@code parts/}. Exits 1 when the gate finds a regression.
 */
public final class RunAll {
    private static final String WHOLE_SUITE = "dev\\.perfgate\\.bench\\..*";

    private RunAll() {
    }

    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        boolean quick = a.contains("--quick");
        String include = option(a, "--include", WHOLE_SUITE);
        BaselinePolicy baseline;
        try {
            baseline = BaselinePolicy.parse("--baseline", option(a, "--baseline", "compare"));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        boolean wholeSuite = include.equals(WHOLE_SUITE);
        if (baseline == BaselinePolicy.UPDATE && !wholeSuite) {
            // a baseline of some benchmarks would drop the others from the gate without a word
            System.err.println("--baseline update records the whole suite's baseline, so it cannot be narrowed:"
                    + " --include was \"" + include + "\" (leave --include out, or use --baseline compare|off)");
            System.exit(2);
            return;
        }
        String profile = quick ? "jmh-quick" : "jmh";
        Path root = Path.of(System.getProperty("perfgate.root", ".")).toAbsolutePath().normalize();
        Path run = root.resolve("reports/runs").resolve(
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + profile);
        Files.createDirectories(run);
        Path results = run.resolve("results.json");

        if (quick) {
            new Runner(new OptionsBuilder().include(include).resultFormat(ResultFormatType.JSON)
                    .result(results.toString()).forks(1).warmupIterations(2).warmupTime(TimeValue.milliseconds(500))
                    .measurementIterations(3).measurementTime(TimeValue.milliseconds(500)).build()).run();
        }
        Map<String, List<Double>> roundMeans = quick ? Map.of()
                : runInterleaved(include, run.resolve("parts"), results);

        RunEnvironment env = RunEnvironment.capture(profile, root);
        new ObjectMapper().registerModule(new JavaTimeModule()).enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(run.resolve("environment.json").toFile(), env);
        List<JmhResults.Score> scores = JmhResults.read(results);
        List<OptimizationTable.Row> rows = OptimizationTable.rows(scores, roundMeans);
        // the table names the command that made it, so that a reader can make it again
        String made = "the " + profile + " run " + run.getFileName() + " (`java -cp benchmarks/target/benchmarks.jar"
                + " dev.perfgate.bench.RunAll" + (quick ? " --quick`: one short fork per benchmark)"
                : "`: each class's own settings; the pairs whose ratio is a goal ran " + Forks.RATIO + " forks a"
                + " side, one per round, in turns with their class's other sides)");
        OptimizationTable.write(run.resolve("OPTIMIZATIONS.md"), rows, env, made);
        if (wholeSuite && !quick) { // the committed table is the thorough run's; a quick or narrowed one stays here
            OptimizationTable.write(root.resolve("reports/OPTIMIZATIONS.md"), rows, env, made);
        } else {
            System.out.println("perfgate: reports/OPTIMIZATIONS.md left as it is (only a thorough run of the whole"
                    + " suite rewrites it); this run's table: " + run.resolve("OPTIMIZATIONS.md"));
        }
        System.out.println("perfgate: JMH results in " + run);

        Path baselineFile = root.resolve("reports/baselines/" + profile + ".json");
        int status = 0;
        switch (baseline) {
            case UPDATE -> {
                Files.createDirectories(baselineFile.getParent());
                Files.copy(results, baselineFile, StandardCopyOption.REPLACE_EXISTING);
                System.out.println("perfgate: baseline updated: " + baselineFile);
            }
            case COMPARE -> {
                if (Files.exists(baselineFile)) {
                    Path against = wholeSuite ? baselineFile : narrowed(baselineFile, include, run);
                    status = JmhGate.run(new String[] {against.toString(), results.toString()}, System.out,
                            System.err);
                } else {
                    System.out.println("perfgate: no baseline " + baselineFile + " yet (--baseline update makes one)");
                }
            }
            default -> System.out.println("perfgate: baseline comparison off");
        }
        System.exit(status);
    }

    /**
     * The thorough run: every selected benchmark but the ratio sides in one JMH run with each class's settings, then
     * the ratio sides' forks in turns ({@link InterleavedForks}); both merged into one JMH result file. Returns each
     * ratio side's fork means by benchmark id, in the order of the rounds, for the table's per-round ratios.
     */
    private static Map<String, List<Double>> runInterleaved(String include, Path parts, Path results)
            throws Exception {
        List<String> sides = InterleavedForks.ratioSides(include);
        String exclude = sides.isEmpty() ? null : InterleavedForks.exactly(sides);
        List<JsonNode> entries = new ArrayList<>();
        if (InterleavedForks.anyBesides(include, exclude)) {
            Files.createDirectories(parts);
            Path others = parts.resolve("00-others.json");
            ChainedOptionsBuilder options = new OptionsBuilder().include(include)
                    .resultFormat(ResultFormatType.JSON).result(others.toString());
            if (exclude != null) {
                options.exclude(exclude);
            }
            new Runner(options.build()).run();
            if (Files.exists(others)) {
                new ObjectMapper().readTree(others.toFile()).forEach(entries::add);
            }
        }
        List<JsonNode> interleaved = InterleavedForks.run(InterleavedForks.schedule(sides, Forks.RATIO), parts,
                options -> options.forks(1), System.out);
        entries.addAll(interleaved);
        ObjectMapper mapper = new ObjectMapper();
        mapper.writerWithDefaultPrettyPrinter().writeValue(results.toFile(), InterleavedForks.sorted(entries));
        Map<String, List<Double>> roundMeans = new HashMap<>();
        for (JsonNode side : interleaved) {
            String id = JmhResults.parse(mapper.createArrayNode().add(side)).getFirst().id();
            roundMeans.put(id, InterleavedForks.forkMeans(side));
        }
        return roundMeans;
    }

    /**
     * The baseline's entries that {@code include} selects, written into the run's directory: a narrowed run is compared
     * with what it ran, not told that every other benchmark is missing.
     */
    private static Path narrowed(Path baselineFile, String include, Path run) throws IOException {
        Pattern selects = Pattern.compile(include);
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode kept = mapper.createArrayNode();
        for (JsonNode e : mapper.readTree(baselineFile.toFile())) {
            if (selects.matcher(e.path("benchmark").asText()).find()) { // JMH's own matching of --include
                kept.add(e);
            }
        }
        Path out = run.resolve("baseline-narrowed.json");
        mapper.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), kept);
        return out;
    }

    private static String option(List<String> args, String name, String fallback) {
        int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : fallback;
    }
}
