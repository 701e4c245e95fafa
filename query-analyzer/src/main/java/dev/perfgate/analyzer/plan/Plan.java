package dev.perfgate.analyzer.plan;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A parsed {@code EXPLAIN (FORMAT JSON)} result: the node tree and, with ANALYZE, planning and execution times. */
public final class Plan {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PlanNode root;
    private final List<PlanNode> nodes;
    private final double planningMs;
    private final double executionMs;
    private final JsonNode raw;
    private final boolean sampleValues;

    private Plan(JsonNode raw, PlanNode root, double planningMs, double executionMs) {
        this(raw, root, planningMs, executionMs, false);
    }

    private Plan(JsonNode raw, PlanNode root, double planningMs, double executionMs, boolean sampleValues) {
        this.sampleValues = sampleValues;
        this.raw = raw;
        this.root = root;
        this.planningMs = planningMs;
        this.executionMs = executionMs;
        List<PlanNode> all = new ArrayList<>();
        collect(root, all);
        this.nodes = List.copyOf(all);
    }

    /**
     * Parses EXPLAIN's JSON output: the one-element array PostgreSQL returns, or its element.
     *
     * @throws IllegalArgumentException when the JSON is not an EXPLAIN plan
     */
    public static Plan parse(JsonNode explain) {
        JsonNode top = explain.isArray() ? explain.path(0) : explain;
        JsonNode plan = top.get("Plan");
        if (plan == null || !plan.isObject() || !plan.has("Node Type")) {
            throw new IllegalArgumentException("not an EXPLAIN (FORMAT JSON) result: no Plan with a Node Type");
        }
        return new Plan(top, new PlanNode(plan, null, "0"), top.path("Planning Time").asDouble(-1),
                top.path("Execution Time").asDouble(-1));
    }

    /** Parses EXPLAIN's JSON output from text. */
    public static Plan parse(String json) {
        try {
            return parse(MAPPER.readTree(json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void collect(PlanNode node, List<PlanNode> out) {
        out.add(node);
        for (PlanNode child : node.children()) {
            collect(child, out);
        }
    }

    public PlanNode root() {
        return root;
    }

    /** Every node, depth first from the root. */
    public List<PlanNode> nodes() {
        return nodes;
    }

    public double totalCost() {
        return root.totalCost();
    }

    /** The same plan, marked as taken with sample values written into a statement's markers. */
    public Plan withSampleValues() {
        return new Plan(raw, root, planningMs, executionMs, true);
    }

    /** Whether the plan was taken with sample values because the statement's normalized text did not prepare. */
    public boolean sampleValues() {
        return sampleValues;
    }

    public boolean analyzed() {
        return root.analyzed();
    }

    /** Planning time in ms, or -1 when EXPLAIN did not report it. */
    public double planningMs() {
        return planningMs;
    }

    /** Execution time in ms with ANALYZE, else -1. */
    public double executionMs() {
        return executionMs;
    }

    public JsonNode raw() {
        return raw;
    }
}
