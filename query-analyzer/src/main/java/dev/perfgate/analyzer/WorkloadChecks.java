package dev.perfgate.analyzer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.perfgate.analyzer.plan.Finding;
import dev.perfgate.analyzer.plan.Plan;
import dev.perfgate.analyzer.plan.PlanNode;
import dev.perfgate.analyzer.plan.Schema;

/**
 * What a statement's figures in {@code pg_stat_statements} say beyond its plan, so that a database's own statistics
 * show what the service sees per request: an N+1 (the same single-row lookup run very often and very fast — each call
 * is cheap, the round trips are not) and {@code SELECT *} on a wide table (every column read and sent, whatever the
 * caller uses). Only for statements that come with figures.
 */
final class WorkloadChecks {
    /** Calls at which a fast single-row lookup looks like one run per row of something else. */
    static final long N_PLUS_ONE_CALLS = 1_000;
    static final double N_PLUS_ONE_MEAN_MS = 1.0;
    /** Columns from which {@code SELECT *} is worth naming. */
    static final int WIDE_COLUMNS = 15;
    private static final Pattern KEY_LOOKUP = Pattern.compile(
            "(?is)^\\s*select\\b(?!.*\\b(?:join|group\\s+by|limit|offset)\\b)(?!.*\\bin\\s*\\()"
                    + ".*\\bwhere\\s+(?:\\w+\\.)?\\w+\\s*=\\s*\\$\\d+\\s*;?\\s*$");
    private static final Pattern SELECT_STAR = Pattern.compile("(?is)^\\s*select\\s+(?:\\w+\\.)?\\*\\s+from\\b");

    private WorkloadChecks() {
    }

    static List<Finding> check(QueryAnalyzer.Target t, Plan plan, Schema schema) {
        List<Finding> out = new ArrayList<>();
        if (t.calls() >= N_PLUS_ONE_CALLS && t.meanMs() >= 0 && t.meanMs() < N_PLUS_ONE_MEAN_MS
                && KEY_LOOKUP.matcher(t.sql()).matches()) {
            out.add(new Finding("n-plus-one-suspect", Finding.Severity.MEDIUM, "statement",
                    String.format(Locale.ROOT, "a single-row lookup run %,d times at %.3f ms each (%,.0f ms in all):"
                            + " the pattern of one query per row of an earlier result", t.calls(), t.meanMs(),
                            t.totalMs()),
                    "fetch the rows in one statement (WHERE key = ANY($1), or a join to the query that produced the"
                            + " keys); the service's own N+1 detection names the request that does it"));
        }
        if (SELECT_STAR.matcher(t.sql()).find()) {
            for (PlanNode node : plan.nodes()) {
                Schema.Table table = schema.table(node);
                if (table != null && table.columns().size() >= WIDE_COLUMNS) {
                    out.add(new Finding("select-star-wide", Finding.Severity.LOW, node.path() + " " + node.label(),
                            "SELECT * reads and sends all " + table.columns().size() + " columns of " + table.name(),
                            "name the columns the caller uses: less to read, to send and to keep in memory, and an"
                                    + " index-only scan becomes possible"));
                    break;
                }
            }
        }
        return out;
    }
}
