package dev.perfgate.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The most common values of a column come as an array literal; quoted elements keep their commas and quotes. */
class PgArrayTest {

    @Test
    void plainQuotedAndEscapedElements() {
        assertThat(TableStatistics.pgArray("{pending,shipped}")).containsExactly("pending", "shipped");
        assertThat(TableStatistics.pgArray("{\"on hold\",\"a,b\",\"say \\\"hi\\\"\",x}"))
                .containsExactly("on hold", "a,b", "say \"hi\"", "x");
        assertThat(TableStatistics.pgArray("{}")).isEmpty();
        assertThat(TableStatistics.pgArray("{\"\"}")).containsExactly("");
    }
}
