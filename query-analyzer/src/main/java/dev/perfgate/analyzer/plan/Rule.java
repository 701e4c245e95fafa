package dev.perfgate.analyzer.plan;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.perfgate.analyzer.plan.Finding.Severity;
import dev.perfgate.analyzer.plan.Predicates.ColumnUse;
import dev.perfgate.analyzer.plan.Predicates.Use;

/**
 * The plan rules: what a PostgreSQL expert looks for in EXPLAIN output. Each rule looks at one node (and, where it
 * must, its parent, children and the catalog) and reports at most one finding for it. Rules that need actual row
 * counts, spills or batches fire only on plans taken with ANALYZE; the rest work on estimates too.
 *
 * <p>Why one file of ~500 lines: it is the catalogue. Each constant is one rule of 10 to 30 lines with its threshold
 * beside its message, read and reviewed one at a time; a file per rule would scatter the list a reviewer checks for
 * what is covered, and the shared helpers at the bottom (predicate columns, finding text) serve them all.
 */
public enum Rule {
    /** Reading a whole large table to keep a small part of it. */
    SEQ_SCAN_SELECTIVE("seq-scan-selective", Severity.HIGH) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            Schema.Table table = ctx.schema.table(node);
            if (!node.nodeType().endsWith("Seq Scan") || node.filter() == null || table == null
                    || table.rows() < LARGE_TABLE) {
                return;
            }
            double kept = node.analyzed() ? node.actualRows() : node.planRows();
            if (node.nodeType().startsWith("Parallel")) {
                kept *= 1 + workersOf(node); // per-worker figures
            }
            if (kept > table.rows() * 0.1) {
                return;
            }
            List<String> columns = indexable(Predicates.uses(node.filter(), node.alias(), table.columns()));
            out.add(finding(node, String.format(Locale.ROOT, "reads all ~%,.0f rows of %s to keep ~%,.0f (%.2f%%)",
                    table.rows(), table.name(), kept, 100 * kept / Math.max(1, table.rows())),
                    columns.isEmpty() ? "make the filter usable by an index (see non-sargable findings), or add one"
                            : "index " + table.name() + " (" + String.join(", ", columns) + ") — the index advisor"
                            + " verifies candidates like this one"));
        }
    },
    /** An index finds rows that a filter then throws away: the index is missing a column. */
    FILTER_AFTER_INDEX("filter-after-index", Severity.MEDIUM) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            if (!(node.nodeType().startsWith("Index") || node.nodeType().equals("Bitmap Heap Scan"))
                    || node.filter() == null || !node.analyzed()) {
                return;
            }
            double removed = node.rowsRemovedByFilter() * Math.max(1, node.loops());
            double kept = node.rowsTotal();
            if (removed < 1000 || removed < 10 * kept) {
                return;
            }
            Schema.Table table = ctx.schema.table(node);
            List<String> columns = table == null ? List.of()
                    : indexable(Predicates.uses(node.filter(), node.alias(), table.columns()));
            out.add(finding(node, String.format(Locale.ROOT, "the index found %,.0f rows and the filter %s removed"
                    + " %,.0f of them", kept + removed, node.filter(), removed),
                    columns.isEmpty() ? "extend the index with the filtered expression"
                            : "add " + String.join(", ", columns) + " to the index (or a partial index on the filter)"));
        }
    },
    /** A sort that did not fit in work_mem. */
    SORT_SPILL("sort-spill", Severity.HIGH) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            if (!node.nodeType().endsWith("Sort") || !"Disk".equals(node.sortSpaceType())) {
                return;
            }
            out.add(finding(node, String.format(Locale.ROOT, "sort by %s spilled %,d kB to disk (%s)",
                    String.join(", ", node.sortKey()), node.sortSpaceUsedKb(), node.sortMethod()),
                    String.format(Locale.ROOT, "an index on the sort key avoids the sort; otherwise raise work_mem"
                            + " above %,d kB for this query (SET LOCAL work_mem)", 2 * node.sortSpaceUsedKb())));
        }
    },
    /** A hash join's hash table that did not fit in memory and was split into batches on disk. */
    HASH_BATCHES("hash-batches", Severity.MEDIUM) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            if (!node.nodeType().equals("Hash") || node.hashBatches() <= 1) {
                return;
            }
            out.add(finding(node, String.format(Locale.ROOT, "hash table split into %d batches (planned %d): the"
                            + " inner side spilled to disk", node.hashBatches(), node.originalHashBatches()),
                    "raise work_mem (or hash_mem_multiplier) so the inner side fits, or make the hashed side smaller"
                            + " with a more selective filter"));
        }
    },
    /** A hash aggregate that spilled (PostgreSQL 13+). */
    HASH_AGG_SPILL("hashagg-spill", Severity.MEDIUM) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            if (!node.nodeType().equals("Aggregate") || !"Hashed".equals(node.strategy())
                    || (node.hashAggBatches() <= 1 && node.diskUsageKb() <= 0)) {
                return;
            }
            out.add(finding(node, String.format(Locale.ROOT, "hash aggregate on %s spilled: %d batches, %,d kB on"
                            + " disk", String.join(", ", node.groupKey()), node.hashAggBatches(), node.diskUsageKb()),
                    "raise work_mem / hash_mem_multiplier, or pre-aggregate fewer groups"));
        }
    },
    /** A nested loop whose outer side is large: the inner side runs once per outer row. */
    NESTED_LOOP_LARGE_OUTER("nested-loop-large-outer", Severity.MEDIUM) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            if (!node.nodeType().equals("Nested Loop") || node.children().isEmpty()) {
                return;
            }
            double outer = node.children().getFirst().rowsTotal();
            if (outer < LARGE_OUTER) {
                return;
            }
            out.add(finding(node, String.format(Locale.ROOT, "nested loop runs its inner side %,.0f times (%s outer"
                    + " rows)", outer, node.analyzed() ? "actual" : "estimated"),
                    "check the outer side's row estimate (a misestimate is the usual cause); a hash or merge join"
                            + " suits this many rows — is enable_hashjoin off, or a join condition missing?"));
        }
    },
    /** A sequential scan on the inner side of a nested loop: the whole table read once per outer row. */
    SEQ_SCAN_INNER_LOOP("seq-scan-inner-loop", Severity.HIGH) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            if (!node.nodeType().equals("Seq Scan")) {
                return;
            }
            PlanNode loop = innerOfNestedLoop(node);
            if (loop == null) {
                return;
            }
            double runs = node.analyzed() ? node.loops() : loop.children().getFirst().planRows();
            Schema.Table table = ctx.schema.table(node);
            if (runs < 2 || table == null || table.rows() < 1000) {
                return;
            }
            out.add(finding(node, String.format(Locale.ROOT, "%s (~%,.0f rows) is scanned in full %,.0f times, once"
                    + " per outer row of the nested loop", table.name(), table.rows(), runs),
                    "index the join column of " + table.name() + " so each loop is an index lookup"));
        }
    },
    /** The planner's row estimate is off by 10x or more: every choice above this node rests on it. */
    ESTIMATE_MISMATCH("estimate-mismatch", Severity.MEDIUM) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            if (mismatch(node) == 0 || node.children().stream().anyMatch(c -> mismatch(c) == mismatch(node))) {
                return; // reported where it starts: the nodes above inherit a child's error
            }
            double est = Math.max(1, node.planRows());
            double act = Math.max(1, node.actualRows());
            Schema.Table table = ctx.schema.table(node);
            out.add(finding(node, String.format(Locale.ROOT, "estimated %,.0f rows, got %,.0f (%.0fx %s)",
                    node.planRows(), node.actualRows(), Math.max(est / act, act / est), act > est ? "under" : "over"),
                    (table == null ? "ANALYZE the tables below this node" : "ANALYZE " + table.name())
                            + "; when the filter's columns are correlated, CREATE STATISTICS (dependencies, mcv) on"
                            + " them"));
        }
    },
    /** The catalog says a scanned table's statistics are missing or out of date. */
    STALE_STATISTICS("stale-statistics", Severity.LOW) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            Schema.Table table = ctx.schema.table(node);
            if (table == null || !node.isScan()) {
                return;
            }
            boolean stale = table.modifiedSinceAnalyze() >= 1000
                    && table.modifiedSinceAnalyze() > 0.2 * Math.max(table.rows(), 1);
            if (table.everAnalyzed() && !stale) {
                return;
            }
            out.add(finding(node, table.everAnalyzed()
                            ? String.format(Locale.ROOT, "%,d rows of %s changed since its last ANALYZE (~%,.0f rows"
                            + " estimated)", table.modifiedSinceAnalyze(), table.name(), table.rows())
                            : table.name() + " has never been analyzed: the planner is guessing its size",
                    "ANALYZE " + table.qualified() + " (and check autovacuum's analyze thresholds for it)"));
        }
    },
    /**
     * A function or cast around a column of an indexed or large table: an index on the bare column cannot serve the
     * condition. Suggests the expression index for a function, and for a cast to date the range the planner cannot
     * derive itself, written into the statement where its text has the usual form.
     */
    NON_SARGABLE("non-sargable", Severity.HIGH) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            Schema.Table table = ctx.schema.table(node);
            if (table == null || node.filter() == null) {
                return;
            }
            for (ColumnUse use : Predicates.uses(node.filter(), node.alias(), table.columns())) {
                boolean indexed = use.use() == Use.WRAPPED && ctx.schema.inAnIndex(table, use.column());
                if (use.use() != Use.WRAPPED || !indexed && table.rows() < 10_000) {
                    continue;
                }
                boolean cast = use.function().startsWith("::");
                String rewritten = cast ? RangeRewrite.rewrite(ctx.sql, use.column(), use.function()) : null;
                out.add(finding(node, (cast ? "cast " + use.function() + " on" : "function " + use.function()
                                + "() around") + (indexed ? " indexed column " : " column ") + table.name() + "."
                                + use.column() + (indexed ? " keeps its index out of the condition"
                                : " keeps any index on it out of the condition"),
                        cast ? "compare the bare column with a range (col >= x AND col < y) or a value of the"
                                + " column's own type" + (rewritten == null ? "" : ": " + rewritten)
                                : "index the expression: CREATE INDEX ON " + table.name() + " (" + use.function()
                                + "(" + use.column() + ")), or store the normalized value"));
                return;
            }
        }
    },
    /** LIKE with a leading wildcard: no B-tree index helps. */
    LEADING_WILDCARD_LIKE("leading-wildcard-like", Severity.MEDIUM) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            Schema.Table table = ctx.schema.table(node);
            if (table == null || node.filter() == null || table.rows() < LARGE_TABLE) {
                return;
            }
            for (ColumnUse use : Predicates.uses(node.filter(), node.alias(), table.columns())) {
                if (use.leadingWildcard()) {
                    out.add(finding(node, "pattern '" + use.pattern() + "' on " + table.name() + "." + use.column()
                                    + " starts with a wildcard, so every row is tested",
                            "CREATE EXTENSION pg_trgm; CREATE INDEX ON " + table.name() + " USING gin ("
                                    + use.column() + " gin_trgm_ops)"));
                    return;
                }
            }
        }
    },
    /** OFFSET deep into a result: every skipped row is read, sorted and thrown away. */
    DEEP_OFFSET("deep-offset", Severity.MEDIUM) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            if (!node.nodeType().equals("Limit") || node.children().isEmpty()) {
                return;
            }
            PlanNode input = node.children().getFirst();
            double skipped;
            if (node.analyzed()) {
                skipped = input.actualRows() - node.actualRows(); // a LIMIT alone reads what it returns
            } else {
                double span = input.totalCost() - input.startupCost();
                skipped = span <= 0 ? 0 : (node.startupCost() - input.startupCost()) / span * input.planRows();
            }
            Matcher m = OFFSET.matcher(ctx.sql);
            if (m.find()) {
                skipped = Math.max(skipped, Double.parseDouble(m.group(1)));
            }
            if (skipped < DEEP_OFFSET_ROWS) {
                return;
            }
            String keyset = KeysetRewrite.rewrite(ctx.sql);
            out.add(finding(node, String.format(Locale.ROOT, "skips ~%,.0f rows to return %,.0f: OFFSET reads and"
                    + " discards every row before the page", skipped, node.analyzed() ? node.actualRows()
                    : node.planRows()), keyset != null ? "page by key, with the previous page's last row: " + keyset
                    : "page by key (keyset: WHERE (sort_key, id) > (last_key, last_id) ORDER BY sort_key, id LIMIT n)"
                    + " — this service's cursor= parameter does that"));
        }
    },
    /** count(*) over a large table reads every row (MVCC keeps no row count). */
    COUNT_LARGE_TABLE("count-large-table", Severity.LOW) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            if (!node.nodeType().equals("Aggregate") || !"Plain".equals(node.strategy())
                    || (node.parent() != null && node.parent().nodeType().equals("Aggregate"))
                    || !COUNT.matcher(ctx.sql).find()) {
                return;
            }
            PlanNode scan = node;
            while (!scan.isScan() && scan.children().size() == 1) {
                scan = scan.children().getFirst();
            }
            Schema.Table table = ctx.schema.table(scan);
            double read = scan.rowsTotal() * (scan.nodeType().startsWith("Parallel")
                    ? 1 + Math.max(0, workersOf(scan)) : 1);
            if (table == null || table.rows() < LARGE_COUNT || read < LARGE_COUNT) {
                return;
            }
            out.add(finding(node, String.format(Locale.ROOT, "counts ~%,.0f rows of %s by reading them", read,
                    table.name()), "for a display figure use the estimate (pg_class.reltuples) or a maintained"
                    + " counter; for paging, drop the total and use hasNext"));
        }
    },
    /** A foreign key used in a join that no index leads with: joins and ON DELETE checks scan the table. */
    FK_WITHOUT_INDEX("fk-without-index", Severity.MEDIUM) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            Schema.Table table = ctx.schema.table(node);
            // only where the join had to read the whole referencing table: a join that reaches it through another
            // index, or probes the referenced side by its key, is not slowed by the missing index
            if (table == null || !node.nodeType().endsWith("Seq Scan") || table.rows() < LARGE_TABLE) {
                return;
            }
            Set<String> joined = new LinkedHashSet<>();
            for (PlanNode up = node.parent(); up != null; up = up.parent()) {
                for (String cond : new String[] {up.hashCond(), up.mergeCond(), up.joinFilter()}) {
                    for (ColumnUse use : Predicates.uses(cond, node.alias(), table.columns())) {
                        joined.add(use.column());
                    }
                }
            }
            for (Schema.ForeignKey fk : ctx.schema.foreignKeys(table)) {
                String first = fk.columns().getFirst();
                if (joined.contains(first) && !ctx.schema.leadsAnIndex(table, first)) {
                    out.add(finding(node, "foreign key " + fk.name() + " (" + table.name() + "." + first + " → "
                                    + fk.referencedTable() + ") is joined on but no index leads with " + first,
                            "CREATE INDEX ON " + table.name() + " (" + String.join(", ", fk.columns()) + ")"));
                    return;
                }
            }
        }
    },
    /** A bitmap too large for work_mem degraded to whole pages: every row on them is rechecked. */
    LOSSY_BITMAP("lossy-bitmap", Severity.MEDIUM) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            if (!node.nodeType().equals("Bitmap Heap Scan") || node.lossyHeapBlocks() <= 0) {
                return;
            }
            out.add(finding(node, String.format(Locale.ROOT, "bitmap went lossy on %,d of %,d heap blocks;"
                            + " %,.0f rows removed by recheck", node.lossyHeapBlocks(),
                    node.lossyHeapBlocks() + Math.max(0, node.exactHeapBlocks()),
                    Math.max(0, node.rowsRemovedByIndexRecheck())),
                    "raise work_mem so the bitmap stays exact, or narrow the condition"));
        }
    },
    /** Parallel workers planned but not started: the query ran with less parallelism than costed. */
    WORKERS_NOT_LAUNCHED("workers-not-launched", Severity.LOW) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            if (!node.nodeType().startsWith("Gather") || node.workersLaunched() < 0
                    || node.workersLaunched() >= node.workersPlanned()) {
                return;
            }
            out.add(finding(node, "planned " + node.workersPlanned() + " parallel workers, launched "
                            + node.workersLaunched(),
                    "raise max_parallel_workers / max_worker_processes, or run fewer parallel queries at once"));
        }
    },
    /** An index-only scan that visits the heap anyway: the visibility map is out of date. */
    HEAP_FETCHES("index-only-heap-fetches", Severity.LOW) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            if (!node.nodeType().equals("Index Only Scan") || node.heapFetches() < 1000
                    || node.heapFetches() < 0.1 * node.rowsTotal()) {
                return;
            }
            Schema.Table table = ctx.schema.table(node);
            out.add(finding(node, String.format(Locale.ROOT, "index-only scan fetched %,d heap rows for %,.0f"
                    + " returned", node.heapFetches(), node.rowsTotal()), "VACUUM "
                    + (table == null ? node.relation() : table.qualified())
                    + " so the visibility map lets the scan skip the heap; tune autovacuum for it"));
        }
    },
    /** A correlated subquery run once per outer row. */
    CORRELATED_SUBPLAN("correlated-subplan", Severity.MEDIUM) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            if (!"SubPlan".equals(node.parentRelationship())) {
                return;
            }
            double runs = node.analyzed() ? node.loops()
                    : node.parent() == null ? 0 : node.parent().planRows();
            if (runs < 100) {
                return;
            }
            out.add(finding(node, String.format(Locale.ROOT, "%s runs once per outer row: %,.0f times",
                            node.subplanName() == null ? "subquery" : node.subplanName(), runs),
                    "rewrite as a join (or a LATERAL / grouped subquery joined once)"));
        }
    },
    /** A sort of a large input to return the first few rows: an index in sort order would stop early. */
    TOP_N_OVER_LARGE_INPUT("top-n-large-input", Severity.MEDIUM) {
        @Override
        void check(PlanNode node, Context ctx, List<Finding> out) {
            if (!node.nodeType().equals("Sort") || node.parent() == null
                    || !node.parent().nodeType().equals("Limit") || node.children().isEmpty()) {
                return;
            }
            double input = node.children().getFirst().rowsTotal();
            if (input < LARGE_TABLE) {
                return;
            }
            out.add(finding(node, String.format(Locale.ROOT, "sorts %,.0f rows by %s to return the first %,.0f",
                    input, String.join(", ", node.sortKey()), node.parent().analyzed() ? node.parent().actualRows()
                            : node.parent().planRows()),
                    "an index on the filter columns followed by " + String.join(", ", node.sortKey())
                            + " returns rows already in order and stops after the limit"));
        }
    };

    static final double LARGE_TABLE = 10_000;
    static final double LARGE_OUTER = 10_000;
    static final double LARGE_COUNT = 100_000;
    static final double DEEP_OFFSET_ROWS = 1_000;
    private static final Pattern OFFSET = Pattern.compile("(?i)\\boffset\\s+(\\d+)");
    private static final Pattern COUNT = Pattern.compile("(?i)\\bcount\\s*\\(");

    private final String id;
    private final Severity severity;

    Rule(String id, Severity severity) {
        this.id = id;
        this.severity = severity;
    }

    public String id() {
        return id;
    }

    public Severity severity() {
        return severity;
    }

    /** The plan, catalog and statement the rules may consult. */
    record Context(Plan plan, Schema schema, String sql) {
    }

    abstract void check(PlanNode node, Context ctx, List<Finding> out);

    Finding finding(PlanNode node, String message, String suggestion) {
        return new Finding(id, severity, node.path() + " " + node.label(), message, suggestion);
    }

    /** Columns an ordinary index can serve: equality ones first, then ranges. */
    static List<String> indexable(List<ColumnUse> uses) {
        Set<String> eq = new LinkedHashSet<>();
        Set<String> range = new LinkedHashSet<>();
        for (ColumnUse u : uses) {
            if (u.use() == Use.EQUALITY) {
                eq.add(u.column());
            } else if (u.indexableRange()) {
                range.add(u.column());
            }
        }
        List<String> out = new ArrayList<>(eq);
        range.stream().filter(c -> !eq.contains(c)).forEach(out::add);
        return out;
    }

    /**
     * The nested loop this node is on the inner side of, or null; a Materialize or Memoize in between runs the scan
     * once and replays it, so it does not count.
     */
    static PlanNode innerOfNestedLoop(PlanNode node) {
        PlanNode child = node;
        for (PlanNode up = node.parent(); up != null; child = up, up = up.parent()) {
            if (up.nodeType().equals("Nested Loop")) {
                return up.children().size() > 1 && up.children().get(1) == child ? up : null;
            }
            if (up.nodeType().contains("Join") || up.nodeType().equals("Materialize")
                    || up.nodeType().equals("Memoize") || up.nodeType().equals("Hash")) {
                return null;
            }
        }
        return null;
    }

    /**
     * +1 when a node produced 10x or more rows than estimated, -1 when 10x or fewer, 0 otherwise (or when it cannot
     * be judged: not analyzed, never run, too few rows, or under a Limit, a semi/anti/merge join or a join whose inner
     * side is unique, which stop reading their input early, so fewer rows than estimated is expected).
     */
    static int mismatch(PlanNode node) {
        if (!node.analyzed() || node.loops() <= 0) {
            return 0;
        }
        double est = Math.max(1, node.planRows());
        double act = Math.max(1, node.actualRows());
        if (Math.max(est, act) < 100 || Math.max(est / act, act / est) < 10) {
            return 0;
        }
        if (act > est) {
            return 1;
        }
        for (PlanNode up = node.parent(); up != null; up = up.parent()) {
            String type = up.nodeType();
            String join = up.joinType();
            if (type.equals("Limit") || type.equals("Merge Join")
                    || join != null && (join.contains("Semi") || join.contains("Anti"))
                    || up.raw().path("Inner Unique").asBoolean(false)) {
                return 0; // each of these may stop reading its input before the end
            }
        }
        return -1;
    }

    private static long workersOf(PlanNode node) {
        for (PlanNode up = node.parent(); up != null; up = up.parent()) {
            if (up.workersPlanned() >= 0) {
                return up.analyzed() && up.workersLaunched() >= 0 ? up.workersLaunched() : up.workersPlanned();
            }
        }
        return 0;
    }
}
