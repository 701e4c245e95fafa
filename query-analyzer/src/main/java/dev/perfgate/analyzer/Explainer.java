package dev.perfgate.analyzer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.perfgate.analyzer.plan.Plan;

/**
 * Takes plans on a connection the caller holds in a transaction (auto-commit off) and rolls back.
 *
 * <p>A statement with values written in is planned as it is. One with numbered markers ({@code $1}, as
 * pg_stat_statements records statements) gets its generic plan: it is prepared, planned with
 * {@code plan_cache_mode = force_generic_plan} and executed under EXPLAIN with NULLs, which a generic plan does not
 * look at. (PostgreSQL 16's {@code EXPLAIN (GENERIC_PLAN)} cannot be used through JDBC: the driver's extended
 * protocol claims the markers as its own bind parameters. PREPARE works on every version.)
 */
final class Explainer {
    private static final Pattern MARKER = Pattern.compile("\\$(\\d+)");

    private Explainer() {
    }

    /** Plans a statement without running it. */
    static Plan explain(Connection c, String sql) throws SQLException {
        if (!BoundSql.hasNumberedMarkers(sql)) {
            return run(c, "EXPLAIN (FORMAT JSON) " + sql);
        }
        int markers = 0;
        Matcher m = MARKER.matcher(sql);
        while (m.find()) {
            markers = Math.max(markers, Integer.parseInt(m.group(1)));
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
            s.execute("PREPARE perfgate_generic AS " + sql);
        } catch (SQLException e) {
            if (!"42601".equals(e.getSQLState())) {
                throw e;
            }
            // normalized text that does not parse (date $2): planned with sample values instead, and said so
            c.rollback();
            Plan sampled = run(c, "EXPLAIN (FORMAT JSON) " + BoundSql.withSampleValues(sql));
            return sampled.withSampleValues();
        }
        try {
            return run(c, "EXPLAIN (FORMAT JSON) EXECUTE perfgate_generic"
                    + (markers == 0 ? "" : "(" + String.join(", ", Collections.nCopies(markers, "NULL")) + ")"));
        } finally {
            try (Statement s = c.createStatement()) {
                s.execute("DEALLOCATE perfgate_generic");
            }
        }
    }

    /**
     * Runs a read-only statement under {@code EXPLAIN (ANALYZE, BUFFERS)}, in a read-only transaction so that
     * PostgreSQL itself refuses anything that would write. The caller's transaction must not have run anything yet.
     */
    static Plan explainAnalyzeReadOnly(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION READ ONLY");
        }
        return run(c, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql);
    }

    /** Runs a statement under {@code EXPLAIN (ANALYZE, BUFFERS)} in the caller's transaction (which rolls back). */
    static Plan explainAnalyze(Connection c, String sql) throws SQLException {
        return run(c, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql);
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern IDENTIFIER = Pattern.compile("(?:([A-Za-z_][A-Za-z0-9_]*)\\.)?\"?([A-Za-z_][A-Za-z0-9_]*)\"?");

    /**
     * The names each scanned relation's columns are read by, per alias, from {@code EXPLAIN (VERBOSE)}: the
     * identifiers in every node's output list, conditions and keys, those qualified by an alias given to it, the
     * unqualified ones (VERBOSE leaves names bare only when one relation is scanned) to every alias; the caller
     * matches them against the table's columns. A scan's own output list counts only at the top of the plan: below,
     * it is often the whole row (the planner's physical target list), not what the statement reads. Empty for a
     * statement with markers (its generic plan is not worth a second PREPARE for this).
     */
    static Map<String, Set<String>> columnsRead(Connection c, String sql) throws SQLException {
        Map<String, Set<String>> out = new HashMap<>();
        if (BoundSql.hasNumberedMarkers(sql)) {
            return out;
        }
        JsonNode root;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN (VERBOSE, FORMAT JSON) " + sql)) {
            rs.next();
            root = MAPPER.readTree(rs.getString(1)).path(0).path("Plan");
        } catch (java.io.IOException e) {
            throw new SQLException("unreadable plan: " + e.getMessage(), e);
        }
        StringBuilder text = new StringBuilder();
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            JsonNode node = todo.pop();
            node.path("Plans").forEach(todo::push);
            if (node.has("Relation Name") && node.has("Alias")) {
                out.putIfAbsent(node.path("Alias").asText(), new LinkedHashSet<>());
            }
            if (node == root || !node.has("Relation Name")) {
                node.path("Output").forEach(o -> text.append(o.asText()).append(' '));
            }
            for (String field : new String[] {"Filter", "Index Cond", "Recheck Cond", "Hash Cond", "Merge Cond",
                    "Join Filter", "One-Time Filter"}) {
                text.append(node.path(field).asText("")).append(' ');
            }
            for (String field : new String[] {"Sort Key", "Group Key", "Presorted Key"}) {
                node.path(field).forEach(k -> text.append(k.asText()).append(' '));
            }
        }
        Matcher m = IDENTIFIER.matcher(text.toString().replaceAll("'(?:[^']|'')*'", "''"));
        while (m.find()) {
            if (m.group(1) == null) {
                out.values().forEach(names -> names.add(m.group(2)));
            } else if (out.containsKey(m.group(1))) {
                out.get(m.group(1)).add(m.group(2));
            }
        }
        return out;
    }

    private static Plan run(Connection c, String explain) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(explain)) {
            rs.next();
            return Plan.parse(rs.getString(1));
        } catch (IllegalArgumentException e) {
            throw new SQLException("unreadable plan: " + e.getMessage(), e);
        }
    }
}
