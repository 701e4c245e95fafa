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
 * @param metrics the service's metrics body ({@code /api/performance/metrics} on the reference service), or null
 * @param queries the service's query report ({@code /api/performance/queries}), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServerFigures(JsonNode metrics, JsonNode queries) {
    /** A run whose service handed over no figures. */
    public static final ServerFigures NONE = new ServerFigures(null, null);

    /**
     * An N+1 suspect as a query report lists it under {@code nPlusOneSuspects}: the route and the statement shape it
     * ran repeatedly. Other fields of an entry are the service's own and are not read.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Suspect(String route, String fingerprint) {
    }

    /** Returns the query report's N+1 suspects, or null when there is no report or it has no such list. */
    public List<Suspect> nPlusOneSuspects() {
        JsonNode list = queries == null ? null : queries.get("nPlusOneSuspects");
        if (list == null || !list.isArray()) {
            return null;
        }
        List<Suspect> out = new ArrayList<>();
        for (JsonNode entry : list) {
            out.add(ResultFiles.MAPPER.convertValue(entry, Suspect.class));
        }
        return out;
    }
}
