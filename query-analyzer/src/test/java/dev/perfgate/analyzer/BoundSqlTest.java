package dev.perfgate.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Values written into statements, statement classification and script splitting. */
class BoundSqlTest {

    @Test
    void withSampleValues_givesEachMarkerAValueOfTheTypeItsContextNames() {
        assertThat(BoundSql.withSampleValues("SELECT * FROM t WHERE d > date $1 AND k = $2 AND age < interval $3"
                + " ORDER BY d LIMIT $4 OFFSET $5"))
                .isEqualTo("SELECT * FROM t WHERE d > date '2000-01-01' AND k = '0' AND age < interval '1 day'"
                        + " ORDER BY d LIMIT 10 OFFSET 0");
    }

    @Test
    void inline_writesLiteralsIntoMarkers_notIntoQuotesOrComments() {
        String sql = "SELECT '?' AS q, \"a?b\" FROM t -- what?\nWHERE a = ? AND b = ? AND c = ? AND d = ? /* ? */ AND e ?? f";
        assertThat(BoundSql.inline(sql, Arrays.asList("it's", new BigDecimal("4.50"), null, LocalDate.of(2026, 3, 1))))
                .isEqualTo("SELECT '?' AS q, \"a?b\" FROM t -- what?\nWHERE a = 'it''s' AND b = 4.50 AND c = NULL"
                        + " AND d = '2026-03-01' /* ? */ AND e ? f");
    }

    @Test
    void inline_arraysAndBytes() {
        assertThat(BoundSql.inline("x = ANY(?)", List.<Object>of(new Object[] {new Long[] {1L, 2L}}[0])))
                .isEqualTo("x = ANY('{1,2}')");
        assertThat(BoundSql.inline("x = ?", List.of(new byte[] {1, (byte) 255}))).isEqualTo("x = '\\x01ff'::bytea");
        assertThat(BoundSql.inline("x = ANY(?)", List.<Object>of(new Object[] {new String[] {"a\"b", "c"}}[0])))
                .isEqualTo("x = ANY('{\"a\\\"b\",\"c\"}')");
    }

    @Test
    void readOnly_onlyPlainQueries() {
        assertThat(BoundSql.readOnly("SELECT * FROM t")).isTrue();
        assertThat(BoundSql.readOnly("  with x as (select 1) select * from x")).isTrue();
        assertThat(BoundSql.readOnly("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d")).isFalse();
        assertThat(BoundSql.readOnly("SELECT * FROM t FOR UPDATE")).isFalse();
        assertThat(BoundSql.readOnly("SELECT * INTO copy FROM t")).isFalse();
        assertThat(BoundSql.readOnly("UPDATE t SET a = 1")).isFalse();
    }

    @Test
    void numberedMarkers_outsideQuotesOnly() {
        assertThat(BoundSql.hasNumberedMarkers("SELECT * FROM t WHERE a = $1")).isTrue();
        assertThat(BoundSql.hasNumberedMarkers("SELECT '$1' FROM t")).isFalse();
        assertThat(BoundSql.hasNumberedMarkers("SELECT a$1 FROM t")).isFalse();
    }

    @Test
    void split_atSemicolonsOutsideQuotesCommentsAndDollarQuotes() {
        assertThat(BoundSql.split("SELECT ';';\n-- a comment; still\nSELECT 2; ; DO $$ BEGIN; END $$;\n  "))
                .containsExactly("SELECT ';'", "-- a comment; still\nSELECT 2", "DO $$ BEGIN; END $$");
    }
}
