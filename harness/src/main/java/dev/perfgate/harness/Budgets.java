package dev.perfgate.harness;

import static io.gatling.javaapi.core.CoreDsl.global;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gatling.javaapi.core.Assertion;

import dev.perfgate.reports.Check;
import dev.perfgate.reports.Quantiles;
import dev.perfgate.reports.RequestStats;
import dev.perfgate.reports.Tolerance;

/**
 * The budgets file ({@code budgets.yaml}): tiers with p95/p99 limits (and an optional max), the tier of every
 * request name, the statuses a request expects besides those below 400, the global error budget, the regression
 * tolerances and the run-validity limits. Validated when loaded, before any load is sent: an unknown key, a limit
 * that is not positive, a tier that does not exist or a malformed tolerance stops the run with the file, the line,
 * the key and the rule.
 *
 * @param expectedStatuses per request name, statuses that are successes although they are 400 or above
 * @param warmUpSeconds    requests sent in the first seconds of the load are not judged (default 0)
 */
public record Budgets(Path file, Map<String, Tier> tiers, double maxErrorPercent, Map<String, String> requests,
                      Map<String, List<Integer>> expectedStatuses, Tolerance regression, Validity validity,
                      double warmUpSeconds) {

    /**
     * A tier's limits: p95 and p99 judged by their confidence intervals ({@link Quantiles}), and an optional max for
     * requests whose samples cannot support a percentile (a health probe sends one a second).
     */
    public record Tier(double p95Ms, double p99Ms, Double maxMs) {
    }

    /**
     * When a run does not measure the service: a hiccup of the load generator at least {@code stallMs} long is a
     * stall (answers in flight are excluded); the run is invalid when one stall reaches {@code invalidStallMs} or
     * stalls add up to {@code invalidStalledPercent} of its time, or — when the service's process is known — when
     * other work used {@code invalidForeignCpuPercent} of the machine's CPU on average.
     */
    public record Validity(double stallMs, double invalidStallMs, double invalidStalledPercent,
                           Double invalidForeignCpuPercent) {
        static final Validity DEFAULT = new Validity(50, 500, 2, 25.0);

        public Validity {
            invalidForeignCpuPercent = invalidForeignCpuPercent == null ? 25.0 : invalidForeignCpuPercent;
        }
    }

    /** The file as written: every field optional here, so that a missing one gets a message, not a null. */
    private record File(Map<String, Tier> tiers, Double maxErrorPercent, Map<String, String> requests,
                        Map<String, List<Integer>> expectedStatuses, Regression regression, Validity validity,
                        Double warmUpSeconds) {
    }

    private record Regression(Double latencyRatio, Double latencyFloorMs, Double errorPointsMax, Double throughputRatio,
                              Integer minSamples, Double confidence, Double serverFloorMs, Double serverBelowMs) {
    }

    /** Loads and validates the budgets file. */
    public static Budgets load(Path file) {
        Map<String, Integer> lines = lines(file);
        File f;
        try {
            f = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .readValue(file.toFile(), File.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(file + " line " + e.getLocation().getLineNr() + ": unknown key \""
                    + e.getPropertyName() + "\"" + where(e) + "; known keys: " + new TreeSet<>(e.getKnownPropertyIds()
                    .stream().map(Object::toString).toList()), e);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(file + " line " + (e.getLocation() == null ? "?"
                    : e.getLocation().getLineNr()) + ": " + e.getOriginalMessage().split("\n")[0] + where(e), e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read budgets " + file + ": " + e.getMessage(), e);
        }
        Problems p = new Problems(file, lines);
        if (f == null || f.tiers() == null || f.requests() == null || f.regression() == null) {
            throw new IllegalArgumentException(file + ": tiers, requests and regression are required");
        }
        f.tiers().forEach((name, t) -> {
            String key = "tiers." + name;
            p.require(t.p95Ms() > 0, key + ".p95Ms", t.p95Ms(), "must be positive");
            p.require(t.p99Ms() > 0 && t.p99Ms() >= t.p95Ms(), key + ".p99Ms", t.p99Ms(),
                    "must be positive and at least p95Ms (" + Check.format(t.p95Ms()) + ")");
            p.require(t.maxMs() == null || t.maxMs() > 0, key + ".maxMs", t.maxMs() == null ? 0 : t.maxMs(),
                    "must be positive when given");
        });
        f.requests().forEach((request, tier) -> p.require(tier != null && f.tiers().containsKey(tier),
                "requests." + request, tier, "must be one of the tiers " + new TreeSet<>(f.tiers().keySet())));
        double maxError = f.maxErrorPercent() == null ? -1 : f.maxErrorPercent();
        p.require(maxError >= 0 && maxError <= 100, "maxErrorPercent", maxError, "must be from 0 to 100");
        Regression r = f.regression();
        Tolerance d = Tolerance.DEFAULT;
        Tolerance tolerance = null;
        try {
            tolerance = new Tolerance(or(r.latencyRatio(), d.latencyRatio()), or(r.latencyFloorMs(), d.latencyFloorMs()),
                    or(r.errorPointsMax(), d.errorPointsMax()), or(r.throughputRatio(), d.throughputRatio()),
                    r.minSamples() == null ? d.minSamples() : r.minSamples(), or(r.confidence(), d.confidence()),
                    or(r.serverFloorMs(), d.serverFloorMs()), or(r.serverBelowMs(), d.serverBelowMs()));
        } catch (IllegalArgumentException e) {
            String key = "regression." + e.getMessage().substring(0, e.getMessage().indexOf(' '));
            p.problems.add(p.at(key) + key + e.getMessage().substring(e.getMessage().indexOf(' ')));
        }
        Validity v = f.validity() == null ? Validity.DEFAULT : f.validity();
        p.require(v.stallMs() > 0, "validity.stallMs", v.stallMs(), "must be positive");
        p.require(v.invalidStallMs() >= v.stallMs(), "validity.invalidStallMs", v.invalidStallMs(),
                "must be at least stallMs (" + Check.format(v.stallMs()) + ")");
        p.require(v.invalidStalledPercent() > 0 && v.invalidStalledPercent() <= 100, "validity.invalidStalledPercent",
                v.invalidStalledPercent(), "must be in (0, 100]");
        p.require(v.invalidForeignCpuPercent() > 0 && v.invalidForeignCpuPercent() <= 100,
                "validity.invalidForeignCpuPercent", v.invalidForeignCpuPercent(), "must be in (0, 100]");
        Map<String, List<Integer>> expected = f.expectedStatuses() == null ? Map.of() : f.expectedStatuses();
        expected.forEach((request, statuses) -> p.require(statuses != null && !statuses.isEmpty()
                        && statuses.stream().allMatch(c -> c != null && c >= 100 && c <= 599),
                "expectedStatuses." + request, statuses, "must be a list of HTTP statuses from 100 to 599"));
        double warmUp = f.warmUpSeconds() == null ? 0 : f.warmUpSeconds();
        p.require(warmUp >= 0 && warmUp <= 3600, "warmUpSeconds", warmUp, "must be from 0 to 3600");
        if (!p.problems.isEmpty()) {
            throw new IllegalArgumentException("bad budgets file:\n  " + String.join("\n  ", p.problems));
        }
        return new Budgets(file, f.tiers(), maxError, f.requests(), Map.copyOf(expected), tolerance, v, warmUp);
    }

    private static double or(Double value, double otherwise) {
        return value == null ? otherwise : value;
    }

    private static String where(JsonMappingException e) {
        String path = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .reduce((a, b) -> a + "." + b).orElse("");
        return path.isEmpty() ? "" : " (at " + path + ")";
    }

    /** Collects every problem of the file, each with its line. */
    private static final class Problems {
        final Path file;
        final Map<String, Integer> lines;
        final List<String> problems = new ArrayList<>();

        Problems(Path file, Map<String, Integer> lines) {
            this.file = file;
            this.lines = lines;
        }

        String at(String key) {
            Integer line = lines.get(key);
            return file + (line == null ? "" : " line " + line) + ": ";
        }

        void require(boolean ok, String key, Object value, String rule) {
            if (!ok) {
                String shown = value instanceof Double d ? Check.format(d) : String.valueOf(value);
                problems.add(at(key) + key + " was " + shown + ", " + rule);
            }
        }
    }

    /** Returns the line of every key of the file, by dotted path ("tiers.health.p95Ms"). */
    private static Map<String, Integer> lines(Path file) {
        Map<String, Integer> out = new HashMap<>();
        try (JsonParser parser = new YAMLFactory().createParser(file.toFile())) {
            List<String> enclosing = new ArrayList<>(); // field names of the open objects ("" for the root)
            String field = "";
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                switch (token) {
                    case FIELD_NAME -> {
                        field = parser.currentName();
                        List<String> path = new ArrayList<>(enclosing.stream().filter(n -> !n.isEmpty()).toList());
                        path.add(field);
                        out.put(String.join(".", path), parser.currentTokenLocation().getLineNr());
                    }
                    case START_OBJECT, START_ARRAY -> {
                        enclosing.add(field);
                        field = "";
                    }
                    case END_OBJECT, END_ARRAY -> {
                        if (!enclosing.isEmpty()) {
                            enclosing.removeLast();
                        }
                        field = "";
                    }
                    default -> field = "";
                }
            }
        } catch (IOException e) {
            return out; // the mapper reports the syntax error with its line
        }
        return out;
    }

    /** Requires a budget for a request name a scenario sends. */
    public String tierOf(String request) {
        String tier = requests.get(request);
        if (tier == null) {
            throw new IllegalArgumentException("request \"" + request + "\" has no budget: add it under requests in "
                    + file);
        }
        return tier;
    }

    /** Returns which statuses are successes for a request: below 400, or listed under expectedStatuses. */
    public java.util.function.IntPredicate expectedStatuses(String request) {
        List<Integer> listed = expectedStatuses.get(request);
        if (listed == null) {
            return status -> status < 400;
        }
        return status -> status < 400 || listed.contains(status);
    }

    /**
     * Returns the Gatling assertion of the global error budget. Latency budgets are not Gatling assertions: Gatling
     * estimates percentiles and judges them on any sample count (its p99 of 60 samples is their slowest), so the
     * exact checks below are the one source of truth for latency.
     */
    public List<Assertion> assertions() {
        return List.of(global().failedRequests().percent().lt(maxErrorPercent));
    }

    /**
     * Checks the budgets on the exact results: a percentile fails only when the samples bound it and its lower
     * confidence bound is at or above the limit; a tier's max, when given, at any count.
     */
    public List<Check> check(List<RequestStats> results) {
        List<Check> out = new ArrayList<>();
        long count = 0;
        long ko = 0;
        for (RequestStats r : results) {
            if (!requests.containsKey(r.name())) {
                out.add(new Check("budget", r.name(), "tier", Double.NaN, r.count(), Check.Verdict.WARN,
                        "no budget: add the request under requests in " + file));
                count += r.count();
                ko += r.ko();
                continue;
            }
            Tier t = tiers.get(tierOf(r.name()));
            String tier = "tier " + tierOf(r.name()) + ": ";
            out.add(percentile(r, 95, t.p95Ms(), tier));
            out.add(percentile(r, 99, t.p99Ms(), tier));
            if (t.maxMs() != null && r.count() > 0) {
                out.add(new Check("budget", r.name(), "maxMs", t.maxMs(), r.maxMs(),
                        r.maxMs() >= t.maxMs() ? Check.Verdict.FAIL : Check.Verdict.PASS, tier + "slowest answer below"
                        + " the max"));
            }
            count += r.count();
            ko += r.ko();
        }
        double errorPercent = count == 0 ? 0 : 100.0 * ko / count;
        out.add(new Check("budget", "global", "errorPercent", maxErrorPercent, errorPercent,
                errorPercent < maxErrorPercent || ko == 0 ? Check.Verdict.PASS : Check.Verdict.FAIL,
                "failed requests below the budget"));
        return out;
    }

    private Check percentile(RequestStats r, double pct, double limit, String tier) {
        Quantiles.Interval i = Quantiles.clientMs(r, pct, regression.confidence());
        String metric = "p" + (int) pct + "Ms";
        if (!i.estimable()) {
            return new Check("budget", r.name(), metric, limit, i.point(), i.point() >= limit ? Check.Verdict.WARN
                    : Check.Verdict.PASS, tier + "not enforced: a p" + (int) pct + " needs "
                    + Quantiles.samplesNeeded(pct / 100, regression.confidence()) + " samples, the run has " + r.count());
        }
        return new Check("budget", r.name(), metric, limit, i.point(), i.low() >= limit ? Check.Verdict.FAIL
                : Check.Verdict.PASS, String.format("%sexact p%d below the budget (fails when its %s %% interval %s..%s"
                        + " is not)", tier, (int) pct, Check.format(regression.confidence() * 100),
                Check.format(i.low()), Check.format(i.high())));
    }
}
