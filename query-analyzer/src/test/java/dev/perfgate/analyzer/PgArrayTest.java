package dev.perfgate.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The most common values of a column come as an array literal; quoted elements keep their commas and quotes. */
class PgArrayTest {

    @Test
    void plainQuotedAndEscapedElements() {
        assertThat(QueryAnalyzer.pgArray("{pending,shipped}")).containsExactly("pending", "shipped");
        assertThat(QueryAnalyzer.pgArray("{\"on hold\",\"a,b\",\"say \\\"hi\\\"\",x}"))
                .containsExactly("on hold", "a,b", "say \"hi\"", "x");
        assertThat(QueryAnalyzer.pgArray("{}")).isEmpty();
        assertThat(QueryAnalyzer.pgArray("{\"\"}")).containsExactly("");
    }
}
