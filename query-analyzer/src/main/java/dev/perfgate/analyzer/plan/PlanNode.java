package dev.perfgate.analyzer.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One node of a PostgreSQL plan as {@code EXPLAIN (FORMAT JSON)} gives it: the fields the rules read, typed, plus the
 * raw JSON for anything else. Actual figures ({@code actualRows}, {@code loops}, sort and hash details) are present
 * only when the plan was taken with ANALYZE; they are {@code -1} otherwise.
 */
public final class PlanNode {
    private final JsonNode raw;
    private final PlanNode parent;
    private final List<PlanNode> children = new ArrayList<>();
    /** Position in the tree, e.g. {@code 0.1.0}: root, its second child, that child's first child. */
    private final String path;

    PlanNode(JsonNode raw, PlanNode parent, String path) {
        this.raw = raw;
        this.parent = parent;
        this.path = path;
        int i = 0;
        for (JsonNode child : raw.path("Plans")) {
            children.add(new PlanNode(child, this, path + "." + i++));
        }
    }

    public String nodeType() {
        return raw.path("Node Type").asText();
    }

    /** The relation scanned, or null for nodes that scan none. */
    public String relation() {
        return text("Relation Name");
    }

    public String schema() {
        return text("Schema");
    }

    /** The alias the statement gave the relation (the relation name when it gave none). */
    public String alias() {
        return text("Alias");
    }

    public String indexName() {
        return text("Index Name");
    }

    public String joinType() {
        return text("Join Type");
    }

    /** How the parent uses this node: Outer, Inner, SubPlan, InitPlan, Member. */
    public String parentRelationship() {
        return text("Parent Relationship");
    }

    public String strategy() {
        return text("Strategy");
    }

    public double totalCost() {
        return raw.path("Total Cost").asDouble();
    }

    public double startupCost() {
        return raw.path("Startup Cost").asDouble();
    }

    /** Rows the planner expects per loop. */
    public double planRows() {
        return raw.path("Plan Rows").asDouble();
    }

    /** Rows per loop actually produced, or -1 without ANALYZE. */
    public double actualRows() {
        return raw.path("Actual Rows").asDouble(-1);
    }

    /** Times the node ran, or -1 without ANALYZE (1 in most nodes; the inner side of a nested loop runs per row). */
    public long loops() {
        return raw.path("Actual Loops").asLong(-1);
    }

    public boolean analyzed() {
        return raw.has("Actual Rows");
    }

    /** Rows over all loops: actual when analyzed, else the estimate (which is per loop of an unknown count). */
    public double rowsTotal() {
        return analyzed() ? actualRows() * Math.max(1, loops()) : planRows();
    }

    /** Time in this node and below over all loops, in ms, or -1 without ANALYZE. */
    public double actualTotalMs() {
        return analyzed() ? raw.path("Actual Total Time").asDouble() * Math.max(1, loops()) : -1;
    }

    public String filter() {
        return text("Filter");
    }

    public String indexCond() {
        return text("Index Cond");
    }

    public String recheckCond() {
        return text("Recheck Cond");
    }

    public String hashCond() {
        return text("Hash Cond");
    }

    public String mergeCond() {
        return text("Merge Cond");
    }

    public String joinFilter() {
        return text("Join Filter");
    }

    /** Rows a filter threw away, per loop, or -1 when not reported. */
    public double rowsRemovedByFilter() {
        return raw.path("Rows Removed by Filter").asDouble(-1);
    }

    public double rowsRemovedByIndexRecheck() {
        return raw.path("Rows Removed by Index Recheck").asDouble(-1);
    }

    public List<String> sortKey() {
        List<String> keys = new ArrayList<>();
        raw.path("Sort Key").forEach(k -> keys.add(k.asText()));
        return keys;
    }

    public List<String> groupKey() {
        List<String> keys = new ArrayList<>();
        raw.path("Group Key").forEach(k -> keys.add(k.asText()));
        return keys;
    }

    public String sortMethod() {
        return text("Sort Method");
    }

    public String sortSpaceType() {
        return text("Sort Space Type");
    }

    public long sortSpaceUsedKb() {
        return raw.path("Sort Space Used").asLong(-1);
    }

    public long hashBatches() {
        return raw.path("Hash Batches").asLong(-1);
    }

    public long originalHashBatches() {
        return raw.path("Original Hash Batches").asLong(-1);
    }

    /** Batches a hash aggregate spilled into (PostgreSQL 13+), or -1. */
    public long hashAggBatches() {
        return raw.path("HashAgg Batches").asLong(-1);
    }

    public long diskUsageKb() {
        return raw.path("Disk Usage").asLong(-1);
    }

    public long exactHeapBlocks() {
        return raw.path("Exact Heap Blocks").asLong(-1);
    }

    public long lossyHeapBlocks() {
        return raw.path("Lossy Heap Blocks").asLong(-1);
    }

    public long heapFetches() {
        return raw.path("Heap Fetches").asLong(-1);
    }

    public long workersPlanned() {
        return raw.path("Workers Planned").asLong(-1);
    }

    public long workersLaunched() {
        return raw.path("Workers Launched").asLong(-1);
    }

    public String subplanName() {
        return text("Subplan Name");
    }

    public PlanNode parent() {
        return parent;
    }

    public List<PlanNode> children() {
        return Collections.unmodifiableList(children);
    }

    public String path() {
        return path;
    }

    public JsonNode raw() {
        return raw;
    }

    /** Returns whether this node reads a table (any scan with a relation). */
    public boolean isScan() {
        return relation() != null;
    }

    /** A short label for reports: {@code Seq Scan on vendors v}, {@code Index Scan using x on vendors}. */
    public String label() {
        StringBuilder s = new StringBuilder(nodeType());
        if (indexName() != null) {
            s.append(" using ").append(indexName());
        }
        if (relation() != null) {
            s.append(" on ").append(relation());
            if (alias() != null && !alias().equals(relation())) {
                s.append(' ').append(alias());
            }
        }
        if (joinType() != null && !joinType().equals("Inner")) {
            s.append(" (").append(joinType()).append(')');
        }
        return s.toString();
    }

    private String text(String field) {
        JsonNode n = raw.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    @Override
    public String toString() {
        return path + " " + label();
    }
}
