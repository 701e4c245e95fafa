package dev.perfgate.analyzer.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The day-to-range rewrite handles the usual spellings and leaves anything else alone. */
class RangeRewriteTest {

    @Test
    void castToDateEqualsADay_becomesAHalfOpenRange() {
        assertThat(RangeRewrite.rewrite("SELECT * FROM orders o WHERE o.created_at::date = '2026-01-05' AND o.total > 3",
                "created_at", "::date"))
                .isEqualTo("SELECT * FROM orders o WHERE o.created_at >= DATE '2026-01-05' AND o.created_at < DATE"
                        + " '2026-01-05' + 1 AND o.total > 3");
        assertThat(RangeRewrite.rewrite("select 1 from orders where CAST(created_at AS date) = DATE '2026-01-05'",
                "created_at", "::date"))
                .isEqualTo("select 1 from orders where created_at >= DATE '2026-01-05' AND created_at < DATE"
                        + " '2026-01-05' + 1");
    }

    @Test
    void otherForms_areNotRewritten() {
        assertThat(RangeRewrite.rewrite("SELECT * FROM t WHERE created_at::date > '2026-01-05'", "created_at",
                "::date")).isNull();
        assertThat(RangeRewrite.rewrite("SELECT * FROM t WHERE created_at::date = $1", "created_at", "::date"))
                .isNull();
        assertThat(RangeRewrite.rewrite("SELECT * FROM t WHERE id::text = '5'", "id", "::text")).isNull();
    }
}
