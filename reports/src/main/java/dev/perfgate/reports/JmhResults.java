package dev.perfgate.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The scores of a JMH run as JMH writes them with {@code -rf json}: per benchmark (with its parameters) the score,
 * its 99.9 % confidence interval and its unit.
 */
public final class JmhResults {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JmhResults() {
    }

    /**
     * One benchmark's result. {@code id} is the benchmark method, plus its parameters when it has any, e.g.
     * {@code dev.perfgate.bench.CacheBenchmark.l1Hit} or {@code ...Codec.deflate [level=6]}.
     */
    public record Score(String id, String mode, double score, double low, double high, String unit) {
        /** Higher is better for throughput units ({@code ops/s}), lower for times ({@code ns/op}, {@code ms/op}). */
        public boolean higherIsBetter() {
            return unit.toLowerCase(Locale.ROOT).startsWith("ops/");
        }

        /** How much worse this score is than a baseline's: above 1 is worse, whatever the direction. */
        public double worseBy(Score baseline) {
            return higherIsBetter() ? baseline.score / score : score / baseline.score;
        }

        /** Whether the confidence intervals of two scores overlap (then the difference may be noise). */
        public boolean overlaps(Score other) {
            return low <= other.high && other.low <= high;
        }
    }

    /** Reads a JMH JSON result file. */
    public static List<Score> read(Path file) {
        try {
            return parse(MAPPER.readTree(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read JMH results " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses JMH's JSON: an array of results. */
    public static List<Score> parse(JsonNode root) {
        if (!root.isArray()) {
            throw new IllegalArgumentException("not a JMH result file: expected a JSON array of benchmark results");
        }
        List<Score> out = new ArrayList<>();
        for (JsonNode r : root) {
            JsonNode m = r.path("primaryMetric");
            if (!r.has("benchmark") || !m.has("score")) {
                throw new IllegalArgumentException("not a JMH result: entry without benchmark or primaryMetric.score");
            }
            StringBuilder id = new StringBuilder(r.path("benchmark").asText());
            if (r.has("params")) {
                Map<String, String> params = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = r.path("params").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    params.put(e.getKey(), e.getValue().asText());
                }
                id.append(' ').append(params.toString().replace("{", "[").replace("}", "]").replace(", ", ","));
            }
            double score = m.path("score").asDouble();
            double error = m.path("scoreError").asDouble(Double.NaN);
            JsonNode ci = m.path("scoreConfidence");
            double low = ci.isArray() ? ci.path(0).asDouble() : score;
            double high = ci.isArray() ? ci.path(1).asDouble() : score;
            if (Double.isNaN(low) || Double.isNaN(high)) { // one iteration: no interval
                low = Double.isNaN(error) ? score : score - error;
                high = Double.isNaN(error) ? score : score + error;
            }
            out.add(new Score(id.toString(), r.path("mode").asText(), score, low, high, m.path("scoreUnit").asText()));
        }
        return out;
    }
}
