package dev.perfgate.reports.history;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.perfgate.reports.JmhResults;
import dev.perfgate.reports.RunEnvironment;
import dev.perfgate.reports.RunResult;

/**
 * The stored form of a run, the same in every history: a Gatling run is its own results.json; a JMH run is JMH's
 * result array wrapped with its environment, profile and start. Ids are unique without coordination (a time stamp
 * or the run's name, and a random part), so concurrent jobs never pick the same one.
 */
final class StoredRuns {
    static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS")
            .withZone(ZoneOffset.UTC);

    private StoredRuns() {
    }

    /** The id of a Gatling run named {@code prefix} (its run directory's name). */
    static String runId(String prefix) {
        return prefix.replaceAll("[^A-Za-z0-9_.-]+", "_") + "-" + random();
    }

    /** The id of a JMH run started at {@code startedAt}. */
    static String jmhId(Instant startedAt) {
        return STAMP.format(startedAt) + "-jmh-" + random();
    }

    /** A JMH run as stored (the caller has parsed the results: a file that is not JMH's stops before it is kept). */
    static ObjectNode jmhDocument(JsonNode jmhResults, RunEnvironment environment, String profile,
                                  Instant startedAt) {
        ObjectNode wrapped = MAPPER.createObjectNode();
        wrapped.put("kind", "jmh");
        wrapped.put("profile", profile);
        wrapped.put("startedAt", startedAt.toString());
        wrapped.set("environment", MAPPER.valueToTree(environment));
        wrapped.set("results", jmhResults);
        return wrapped;
    }

    /** One stored document as an entry; anything missing that a series needs is a problem, not a silent gap. */
    static HistoryEntry read(String id, JsonNode json) throws IOException {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("not a JSON object (truncated?)");
        }
        if ("jmh".equals(json.path("kind").asText())) {
            RunEnvironment env = MAPPER.treeToValue(json.path("environment"), RunEnvironment.class);
            if (!json.hasNonNull("startedAt")) {
                throw new IllegalArgumentException("JMH entry without startedAt");
            }
            return HistoryEntry.ofJmh(id, JmhResults.parse(json.path("results")), env, json.path("profile").asText(),
                    Instant.parse(json.path("startedAt").asText()));
        }
        RunResult r = MAPPER.treeToValue(json, RunResult.class);
        if (r.simulation() == null || r.startedAt() == null || r.requests() == null) {
            throw new IllegalArgumentException("not a results.json: simulation, startedAt or requests missing");
        }
        return HistoryEntry.of(id, r);
    }

    private static String random() {
        return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }
}
