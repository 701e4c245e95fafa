package dev.perfgate.reports;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The service's own figures after a run ({@code server} in results.json): its metrics and its query report as it
 * answered them, each either the body or {@code {"error": "..."}} saying why there is none.
 *
 * <p>Both bodies are the service's contracts, versioned by the service (the reference service's are
 * {@code PerformanceFigures} and {@code QueryReport}, each with a {@code schemaVersion}). perfgate keeps them as JSON
 * trees, so any project's figures survive the round trip through results.json whatever their shape, and reads only
 * what it judges — the N+1 suspects — through a typed view, {@link #nPlusOneSuspects()}.
 *
 * <p>A service running as several nodes ({@link #of}) keeps each node's bodies under {@code nodes}; {@code metrics}
 * and {@code queries} are then what adds up exactly over the nodes: each route's requests and errors, and the N+1
 * suspects any node saw. Percentiles do not add up from percentiles: the service's exact time over every node is in
 * each request's {@code server} figures, which the injectors read from every answer's {@code Server-Timing}.
 *
 * @param metrics the service's metrics body ({@code /api/performance/metrics} on the reference service), or null
 * @param queries the service's query report ({@code /api/performance/queries}), or null
 * @param nodes   each node's figures when the service ran as several, else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerFigures(JsonNode metrics, JsonNode queries, List<Node> nodes) {
    /** A run whose service handed over no figures. */
    public static final ServerFigures NONE = new ServerFigures(null, null, null);

    /** One node's figures. */
    public ServerFigures(JsonNode metrics, JsonNode queries) {
        this(metrics, queries, null);
    }

    /** One node of a service that runs as several: where it answered, and its two bodies. */
    public record Node(String url, JsonNode metrics, JsonNode queries) {
    }

    /** Returns the figures of a service from those of its nodes (one or more). */
    public static ServerFigures of(List<Node> nodes) {
        if (nodes.size() == 1) {
            return new ServerFigures(nodes.getFirst().metrics(), nodes.getFirst().queries(), null);
        }
        var metrics = ResultFiles.MAPPER.createObjectNode();
        metrics.put("nodes", nodes.size());
        java.util.Map<String, com.fasterxml.jackson.databind.node.ObjectNode> routes = new java.util.TreeMap<>();
        var queries = ResultFiles.MAPPER.createObjectNode();
        var suspects = queries.putArray("nPlusOneSuspects");
        java.util.Set<Suspect> seen = new java.util.HashSet<>();
        for (Node node : nodes) {
            JsonNode endpoints = node.metrics() == null ? null : node.metrics().get("endpoints");
            if (endpoints != null && endpoints.isArray()) {
                for (JsonNode e : endpoints) {
                    var sum = routes.computeIfAbsent(e.path("route").asText(), r -> ResultFiles.MAPPER
                            .createObjectNode().put("route", r).put("count", 0L).put("clientErrors", 0L)
                            .put("errors", 0L));
                    for (String field : List.of("count", "clientErrors", "errors")) {
                        sum.put(field, sum.get(field).asLong() + e.path(field).asLong());
                    }
                }
            }
            JsonNode listed = suspectList(node.queries());
            for (int i = 0; listed != null && i < listed.size(); i++) {
                if (seen.add(suspect(listed.get(i)))) {
                    suspects.add(listed.get(i));
                }
            }
        }
        metrics.putArray("endpoints").addAll(routes.values());
        return new ServerFigures(metrics, queries, List.copyOf(nodes));
    }

    /**
     * An N+1 suspect as a query report lists it under {@code nPlusOneSuspects}: the route and the statement shape it
     * ran repeatedly. Other fields of an entry are the service's own and are not read.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Suspect(String route, String fingerprint) {
    }

    /** Returns the query report's N+1 suspects, or null when there is no report or it has no such list. */
    public List<Suspect> nPlusOneSuspects() {
        JsonNode list = suspectList(queries);
        if (list == null) {
            return null;
        }
        List<Suspect> out = new ArrayList<>();
        for (JsonNode entry : list) {
            out.add(suspect(entry));
        }
        return out;
    }

    /** Returns a query report's suspect list as the service wrote it, or null without a report or a list. */
    private static JsonNode suspectList(JsonNode queries) {
        JsonNode list = queries == null ? null : queries.get("nPlusOneSuspects");
        return list == null || !list.isArray() ? null : list;
    }

    private static Suspect suspect(JsonNode entry) {
        return ResultFiles.MAPPER.convertValue(entry, Suspect.class);
    }
}
