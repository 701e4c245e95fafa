package dev.perfgate.analyzer.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.perfgate.analyzer.plan.Predicates.ColumnUse;
import dev.perfgate.analyzer.plan.Predicates.Use;

/** Column uses read out of the condition text EXPLAIN prints. */
class PredicatesTest {
    private static final Set<String> COLUMNS = Set.of("account_id", "kind", "email", "created_at", "id");

    @Test
    void equalityRangeLikeAndWrapped() {
        String filter = "((account_id = 42) AND (kind = ANY ('{buy,view}'::text[])) AND (created_at >= '2026-01-01"
                + " 00:00:00+00'::timestamp with time zone) AND (email ~~ '%42@%'::text) AND (lower(email) = 'x'::text)"
                + " AND ((created_at)::date = '2026-01-05'::date))";
        assertThat(Predicates.uses(filter, "events", COLUMNS)).containsExactly(
                new ColumnUse("account_id", Use.EQUALITY, null, null),
                new ColumnUse("kind", Use.EQUALITY, null, null),
                new ColumnUse("created_at", Use.RANGE, null, null),
                new ColumnUse("email", Use.LIKE, "%42@%", null),
                new ColumnUse("email", Use.WRAPPED, null, "lower"),
                new ColumnUse("created_at", Use.WRAPPED, null, "::date"));
    }

    @Test
    void qualifiedColumns_countOnlyForTheirAlias() {
        String cond = "(e.account_id = a.id)";
        assertThat(Predicates.uses(cond, "e", COLUMNS)).containsExactly(new ColumnUse("account_id", Use.EQUALITY, null, null));
        assertThat(Predicates.uses(cond, "a", COLUMNS)).containsExactly(new ColumnUse("id", Use.EQUALITY, null, null));
        assertThat(Predicates.uses(cond, "x", COLUMNS)).isEmpty();
    }

    @Test
    void wordsInsideLiteralsAndTypeNamesAreNotColumns() {
        assertThat(Predicates.uses("(note = 'kind = 1'::text)", "t", COLUMNS)).isEmpty();
        assertThat(Predicates.uses(null, "t", COLUMNS)).isEmpty();
    }

    @Test
    void parse_rejectsWhatIsNotAPlan() {
        assertThatThrownBy(() -> Plan.parse("[{\"Nope\": 1}]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no Plan");
        assertThatThrownBy(() -> Plan.parse("not json")).isInstanceOf(IllegalArgumentException.class);
        Plan p = Plan.parse("[{\"Plan\": {\"Node Type\": \"Limit\", \"Total Cost\": 2.5, \"Plans\": [{\"Node Type\":"
                + " \"Seq Scan\", \"Relation Name\": \"t\", \"Alias\": \"t\"}]}}]");
        assertThat(p.nodes()).extracting(PlanNode::toString).containsExactly("0 Limit", "0.0 Seq Scan on t");
        assertThat(p.totalCost()).isEqualTo(2.5);
        assertThat(p.analyzed()).isFalse();
    }
}
