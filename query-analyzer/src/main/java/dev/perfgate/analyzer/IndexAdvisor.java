package dev.perfgate.analyzer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.perfgate.analyzer.plan.Plan;
import dev.perfgate.analyzer.plan.PlanNode;
import dev.perfgate.analyzer.plan.Predicates;
import dev.perfgate.analyzer.plan.Predicates.ColumnUse;
import dev.perfgate.analyzer.plan.Predicates.Use;
import dev.perfgate.analyzer.plan.Schema;

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

    /**
     * An index to try: the table, its key columns in order, the columns it carries for index-only scans
     * ({@code INCLUDE}, empty for none) and its predicate (null for a full index).
     */
    record Candidate(Schema.Table table, List<String> columns, String where, List<String> include) {
        Candidate(Schema.Table table, List<String> columns) {
            this(table, columns, null, List.of());
        }

        Candidate(Schema.Table table, List<String> columns, String where) {
            this(table, columns, where, List.of());
        }

        String ddl(String name, boolean concurrently) {
            return "CREATE INDEX " + (concurrently ? "CONCURRENTLY " : "") + (name == null ? "" : name + " ")
                    + "ON " + ident(table.schema()) + "." + ident(table.name())
                    + " (" + String.join(", ", columns.stream().map(IndexAdvisor::element).toList()) + ")"
                    + (include.isEmpty() ? "" : " INCLUDE (" + String.join(", ",
                            include.stream().map(IndexAdvisor::ident).toList()) + ")")
                    + (where == null ? "" : " WHERE " + where);
        }

        String key() {
            return table.qualified() + "(" + String.join(",", columns) + ")"
                    + (include.isEmpty() ? "" : " INCLUDE(" + String.join(",", include) + ")")
                    + (where == null ? "" : " WHERE " + where);
        }

        /** The same index without its INCLUDE columns. */
        Candidate withoutInclude() {
            return new Candidate(table, columns, where);
        }
    }

    /** At most this many columns carried for an index-only scan: wider, the index grows toward a copy of the table. */
    static final int MAX_INCLUDE = 4;

    /** The share of a table's rows holding a value, from the planner's statistics; NaN when they do not say. */
    @FunctionalInterface
    interface Frequencies {
        double of(Schema.Table table, String column, String value);

        Frequencies NONE = (t, c, v) -> Double.NaN;
    }

    /** A value this rare (share of the table's rows) makes a partial index on it worth trying. */
    static final double RARE = 0.05;
    private static final java.util.regex.Pattern EQUALS_CONSTANT = java.util.regex.Pattern.compile(
            "\\((?:([A-Za-z_][A-Za-z0-9_]*)\\.)?([A-Za-z_][A-Za-z0-9_]*) = '((?:[^']|'')*)'::[a-z ]+\\)");

    /** Returns the candidates a plan suggests, most promising first, at most {@value #MAX_CANDIDATES}. */
    static List<Candidate> candidates(Plan plan, Schema schema) {
        return candidates(plan, schema, Frequencies.NONE, Map.of());
    }

    /**
     * As {@link #candidates(Plan, Schema)}; with the columns' statistics, an equality on a rare constant
     * ({@code status = 'pending'} on 2 % of the rows) also proposes partial indexes: the other key column (sort, range
     * or equality) indexed only where the constant holds, a fraction of the full index's size and write cost.
     *
     * <p>With the columns the statement reads from each scanned relation ({@code columnsRead}, by alias: from
     * {@code EXPLAIN VERBOSE}'s output lists), the best key of each scan is also proposed carrying the other columns
     * read ({@code INCLUDE}), so that an index-only scan can answer without the table: only where those are a few
     * ({@value #MAX_INCLUDE} at most) and not every column of the table ({@code SELECT *}).
     */
    static List<Candidate> candidates(Plan plan, Schema schema, Frequencies frequencies,
                                      Map<String, Set<String>> columnsRead) {
        Map<String, Candidate> out = new LinkedHashMap<>();
        for (PlanNode node : plan.nodes()) {
            Schema.Table table = schema.table(node);
            if (table == null || table.rows() < MIN_ROWS) {
                continue;
            }
            Set<String> eq = new LinkedHashSet<>();
            Set<String> range = new LinkedHashSet<>();
            Set<String> expressions = new LinkedHashSet<>();
            for (String cond : new String[] {node.filter(), node.indexCond(), node.recheckCond()}) {
                for (ColumnUse use : Predicates.uses(cond, node.alias(), table.columns())) {
                    if (use.use() == Use.EQUALITY) {
                        eq.add(use.column());
                    } else if (use.indexableRange()) {
                        range.add(use.column());
                    } else if (use.use() == Use.WRAPPED && singleArgument(cond, use)) {
                        // lower(email) = …: an index on the expression serves it where one on email cannot
                        expressions.add(use.function() + "(" + use.column() + ")");
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
            // an expression index already on the table may be this one (the catalog gives its key as null): none
            // is proposed then, rather than a duplicate the planner would happily use
            boolean hasExpressionIndex = schema.indexes(table).stream()
                    .anyMatch(i -> !i.columns().isEmpty() && i.columns().getFirst() == null);
            if (!hasExpressionIndex) {
                expressions.forEach(e -> {
                    Candidate c = new Candidate(table, List.of(e));
                    out.putIfAbsent(c.key(), c);
                });
            }
            if (!node.nodeType().endsWith("Seq Scan") && node.filter() == null && sort.isEmpty()) {
                continue; // an index scan doing all its work in the index: nothing for a new index to win
            }
            Map<String, String> rare = new LinkedHashMap<>(); // column -> its rare constant, as a SQL literal
            for (String cond : new String[] {node.filter(), node.indexCond(), node.recheckCond()}) {
                java.util.regex.Matcher m = EQUALS_CONSTANT.matcher(cond == null ? "" : cond);
                while (m.find()) {
                    String column = m.group(2);
                    boolean ours = (m.group(1) == null || m.group(1).equals(node.alias()))
                            && table.columns().contains(column);
                    if (ours && eq.contains(column)
                            && frequencies.of(table, column, m.group(3).replace("''", "'")) <= RARE) {
                        rare.putIfAbsent(column, "'" + m.group(3) + "'");
                    }
                }
            }
            for (Map.Entry<String, String> r : rare.entrySet()) {
                String where = ident(r.getKey()) + " = " + r.getValue();
                String key = !sort.isEmpty() && !sort.getFirst().equals(r.getKey()) ? sort.getFirst()
                        : !range.isEmpty() ? range.iterator().next()
                        : eq.stream().filter(c -> !c.equals(r.getKey())).findFirst().orElse(r.getKey());
                Candidate c = new Candidate(table, List.of(key), where);
                out.putIfAbsent(c.key(), c);
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
            List<String> read = columnsRead.getOrDefault(node.alias(), Set.of()).stream()
                    .filter(table.columns()::contains).toList();
            boolean covering = !read.isEmpty() && read.size() < table.columns().size();
            boolean first = true;
            for (List<String> columns : proposals) {
                boolean covered = schema.indexes(table).stream().anyMatch(i -> i.predicate() == null
                        && (i.leadsWith(columns) || allEquality(columns, eq) && i.columns().size() >= columns.size()
                        && Set.copyOf(i.columns().subList(0, columns.size())).equals(Set.copyOf(columns))));
                if (!covered) {
                    Candidate c = new Candidate(table, columns);
                    out.putIfAbsent(c.key(), c);
                }
                if (first && covering) {
                    // the scan's best key carrying the rest of what it reads: an index-only scan, where it pays
                    List<String> include = read.stream().filter(r -> !columns.contains(r)).toList();
                    if (!include.isEmpty() && include.size() <= MAX_INCLUDE) {
                        Candidate c = new Candidate(table, columns, null, include);
                        out.putIfAbsent(c.key(), c);
                    }
                }
                first = false;
            }
        }
        return out.values().stream().limit(MAX_CANDIDATES).toList();
    }

    /**
     * Whether the wrapping is a one-argument function call on the bare column ({@code lower(email)}, or
     * {@code lower((email)::text)} on a varchar), the form an expression index can be proposed for; not a cast (an
     * index on {@code created_at::date} is not allowed for timestamptz: the rewrite to a range is the advice there).
     */
    private static boolean singleArgument(String cond, ColumnUse use) {
        if (use.function() == null || use.function().startsWith("::")) {
            return false;
        }
        return java.util.regex.Pattern.compile("\\b" + java.util.regex.Pattern.quote(use.function())
                + "\\(\\(?(?:[A-Za-z_][A-Za-z0-9_]*\\.)?" + java.util.regex.Pattern.quote(use.column())
                + "\\)?(?:::[a-z ]+)?\\)").matcher(cond).find();
    }

    /** Equality columns can be listed in any order: an index on (a, b) serves a = ? AND b = ? as (b, a) would. */
    private static boolean allEquality(List<String> columns, Set<String> eq) {
        return eq.containsAll(columns);
    }

    /** A key element: a column by name, or an expression such as {@code lower(email)} in its own parentheses. */
    static String element(String column) {
        return column.matches("[A-Za-z_][A-Za-z0-9_$]*|\"[^\"]+\"") || !column.contains("(") ? ident(column)
                : "(" + column + ")";
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
