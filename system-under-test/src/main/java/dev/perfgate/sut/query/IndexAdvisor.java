package dev.perfgate.sut.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.perfgate.sut.query.plan.Plan;
import dev.perfgate.sut.query.plan.PlanNode;
import dev.perfgate.sut.query.plan.Predicates;
import dev.perfgate.sut.query.plan.Predicates.ColumnUse;
import dev.perfgate.sut.query.plan.Predicates.Use;
import dev.perfgate.sut.query.plan.Schema;

/**
 * Proposes indexes from a plan and proves them on the real database.
 *
 * <p>Candidates come from the columns each scan filters on (equality first, then ranges), the columns it is joined
 * on, and the sort key above it: every single column, and two-column pairs (equality + equality, equality + range,
 * equality + sort). A candidate that an existing index's leading columns already cover (in any order, for
 * equality columns) is skipped, and so are tables under {@link #MIN_ROWS} rows and index scans that already do all
 * their filtering in the index with no sort above them.
 *
 * <p>Verification is Dexter's rule: plan the statement with the candidate in place ({@link IndexTrials}: hypothetical
 * with HypoPG, else built in a rolled-back transaction) and recommend it only when the plan uses it and the planner's
 * cost falls by at least half.
 */
final class IndexAdvisor {
    static final double MIN_ROWS = 1_000;
    static final double REQUIRED_REDUCTION = 0.5;
    private static final int MAX_CANDIDATES = 8;

    private IndexAdvisor() {
    }

    /** An index to try: the table and its key columns in order. */
    record Candidate(Schema.Table table, List<String> columns) {
        String ddl(String name, boolean concurrently) {
            return "CREATE INDEX " + (concurrently ? "CONCURRENTLY " : "") + (name == null ? "" : name + " ")
                    + "ON " + ident(table.schema()) + "." + ident(table.name())
                    + " (" + String.join(", ", columns.stream().map(IndexAdvisor::ident).toList()) + ")";
        }

        String key() {
            return table.qualified() + "(" + String.join(",", columns) + ")";
        }
    }

    /** Returns the candidates a plan suggests, most promising first, at most {@value #MAX_CANDIDATES}. */
    static List<Candidate> candidates(Plan plan, Schema schema) {
        Map<String, Candidate> out = new LinkedHashMap<>();
        for (PlanNode node : plan.nodes()) {
            Schema.Table table = schema.table(node);
            if (table == null || table.rows() < MIN_ROWS) {
                continue;
            }
            Set<String> eq = new LinkedHashSet<>();
            Set<String> range = new LinkedHashSet<>();
            for (String cond : new String[] {node.filter(), node.indexCond(), node.recheckCond()}) {
                for (ColumnUse use : Predicates.uses(cond, node.alias(), table.columns())) {
                    if (use.use() == Use.EQUALITY) {
                        eq.add(use.column());
                    } else if (use.indexableRange()) {
                        range.add(use.column());
                    }
                }
            }
            Set<String> joined = new LinkedHashSet<>();
            List<String> sort = new ArrayList<>();
            for (PlanNode up = node.parent(); up != null; up = up.parent()) {
                for (String cond : new String[] {up.hashCond(), up.mergeCond(), up.joinFilter()}) {
                    for (ColumnUse use : Predicates.uses(cond, node.alias(), table.columns())) {
                        if (use.use() == Use.EQUALITY && !eq.contains(use.column())) {
                            joined.add(use.column());
                        }
                    }
                }
                if (sort.isEmpty() && up.nodeType().endsWith("Sort")) {
                    for (String key : up.sortKey()) {
                        String column = key.replaceFirst("(?i)\\s+(DESC|ASC|NULLS (FIRST|LAST))(\\s.*)?$", "").strip();
                        int dot = column.indexOf('.');
                        if (dot > 0 && !column.substring(0, dot).equals(node.alias())) {
                            break;
                        }
                        column = column.substring(dot + 1);
                        if (!table.columns().contains(column)) {
                            break;
                        }
                        sort.add(column);
                    }
                }
            }
            range.removeAll(eq);
            if (!node.nodeType().endsWith("Seq Scan") && node.filter() == null && sort.isEmpty()) {
                continue; // an index scan doing all its work in the index: nothing for a new index to win
            }
            List<List<String>> proposals = new ArrayList<>();
            for (String a : eq) {
                for (String b : eq) {
                    if (!a.equals(b)) {
                        proposals.add(List.of(a, b));
                    }
                }
                for (String b : range) {
                    proposals.add(List.of(a, b));
                }
                if (!sort.isEmpty() && !sort.getFirst().equals(a)) {
                    proposals.add(List.of(a, sort.getFirst()));
                }
            }
            eq.forEach(c -> proposals.add(List.of(c)));
            joined.forEach(c -> proposals.add(List.of(c)));
            range.forEach(c -> proposals.add(List.of(c)));
            if (!sort.isEmpty()) {
                proposals.add(List.of(sort.getFirst()));
            }
            for (List<String> columns : proposals) {
                boolean covered = schema.indexes(table).stream().anyMatch(i -> i.predicate() == null
                        && (i.leadsWith(columns) || allEquality(columns, eq) && i.columns().size() >= columns.size()
                        && Set.copyOf(i.columns().subList(0, columns.size())).equals(Set.copyOf(columns))));
                if (!covered) {
                    Candidate c = new Candidate(table, columns);
                    out.putIfAbsent(c.key(), c);
                }
            }
        }
        return out.values().stream().limit(MAX_CANDIDATES).toList();
    }

    /** Equality columns can be listed in any order: an index on (a, b) serves a = ? AND b = ? as (b, a) would. */
    private static boolean allEquality(List<String> columns, Set<String> eq) {
        return eq.containsAll(columns);
    }

    static String ident(String name) {
        return name.matches("[a-z_][a-z0-9_$]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** The cost cut in percent, to one decimal (0.0, never -0.0, for no change). */
    static double percent(double before, double after) {
        double cut = before <= 0 ? 0 : Math.round(1000 * (before - after) / before) / 10.0;
        return cut == 0 ? 0 : cut;
    }
}
