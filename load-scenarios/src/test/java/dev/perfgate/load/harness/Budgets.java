package dev.perfgate.load.harness;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.global;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gatling.javaapi.core.Assertion;

import dev.perfgate.reports.Check;
import dev.perfgate.reports.RequestStats;
import dev.perfgate.reports.Tolerance;

/**
 * The budgets file ({@code load-scenarios/budgets.yaml}): tiers with p95/p99 limits, the tier of every request
 * name, the global error budget and the regression tolerances. Validated when loaded: a request whose tier does not
 * exist, or a non-positive limit, stops the run with the file and the entry named.
 */
public record Budgets(Map<String, Tier> tiers, double maxErrorPercent, Map<String, String> requests,
                      Tolerance regression) {

    /** A tier's limits. */
    public record Tier(double p95Ms, double p99Ms) {
    }

    /** Loads and validates the budgets file. */
    public static Budgets load(Path file) {
        Budgets b;
        try {
            b = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(file.toFile(), Budgets.class);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read budgets " + file + ": " + e.getMessage(), e);
        }
        if (b.tiers() == null || b.requests() == null || b.regression() == null) {
            throw new IllegalArgumentException(file + ": tiers, requests and regression are required");
        }
        b.tiers().forEach((name, t) -> {
            if (!(t.p95Ms() > 0 && t.p99Ms() >= t.p95Ms())) {
                throw new IllegalArgumentException(file + ": tier " + name + " has p95Ms " + t.p95Ms() + " and p99Ms "
                        + t.p99Ms() + "; both must be positive and p99Ms at least p95Ms");
            }
        });
        b.requests().forEach((request, tier) -> {
            if (!b.tiers().containsKey(tier)) {
                throw new IllegalArgumentException(file + ": request \"" + request + "\" has tier \"" + tier
                        + "\", which is not one of " + new TreeSet<>(b.tiers().keySet()));
            }
        });
        if (!(b.maxErrorPercent() >= 0 && b.maxErrorPercent() <= 100)) {
            throw new IllegalArgumentException(file + ": maxErrorPercent was " + b.maxErrorPercent()
                    + ", must be from 0 to 100");
        }
        return b;
    }

    /** Requires a budget for a request name a scenario sends. */
    public String tierOf(String request) {
        String tier = requests.get(request);
        if (tier == null) {
            throw new IllegalArgumentException("request \"" + request + "\" has no budget: add it under requests in"
                    + " load-scenarios/budgets.yaml");
        }
        return tier;
    }

    /**
     * Returns Gatling assertions for the request names a simulation sends (p95 per request) and the global error
     * budget; latency assertions only when the profile sends enough requests for a percentile to mean something.
     * The p99 caps are checked on the exact results only, where the sample-count guard applies: Gatling's p99 of a
     * request seen 60 times is its slowest one.
     */
    public List<Assertion> assertions(Collection<String> used, boolean latency) {
        List<Assertion> out = new ArrayList<>();
        for (String request : latency ? new TreeSet<>(used) : new TreeSet<String>()) {
            Tier t = tiers.get(tierOf(request));
            out.add(details(request).responseTime().percentile(95.0).lt((int) Math.round(t.p95Ms())));
        }
        out.add(global().failedRequests().percent().lt(maxErrorPercent));
        return out;
    }

    /** Checks the same budgets on the exact results. */
    public List<Check> check(List<RequestStats> results) {
        List<Check> out = new ArrayList<>();
        long count = 0;
        long ko = 0;
        for (RequestStats r : results) {
            Tier t = tiers.get(tierOf(r.name()));
            String tier = "tier " + tierOf(r.name()) + ": ";
            out.add(new Check("budget", r.name(), "p95Ms", t.p95Ms(), r.p95Ms(),
                    regression.timing(r.p95Ms() >= t.p95Ms(), r.count()), tier + "exact p95 below the budget"));
            out.add(new Check("budget", r.name(), "p99Ms", t.p99Ms(), r.p99Ms(),
                    regression.timing(r.p99Ms() >= t.p99Ms(), 99, r.count()), tier + "exact p99 below the cap"));
            count += r.count();
            ko += r.ko();
        }
        double errorPercent = count == 0 ? 0 : 100.0 * ko / count;
        out.add(new Check("budget", "global", "errorPercent", maxErrorPercent, errorPercent,
                errorPercent < maxErrorPercent || ko == 0 ? Check.Verdict.PASS : Check.Verdict.FAIL,
                "failed requests below the budget"));
        return out;
    }
}
