package dev.perfgate.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The HTML report: verdict before anything else, one bar pair per index, everything from the SQL escaped. */
class AnalysisHtmlTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void leadsWithTheVerdict_drawsEachIndex_andEscapesTheStatements() throws Exception {
        JsonNode report = MAPPER.readTree("""
                {"source": "file shop.sql", "indexTrials": "hypopg", "analyzedAt": "2026-12-02T02:00:00Z",
                 "statements": [
                   {"sql": "SELECT * FROM t WHERE a < 5 AND b = '<script>'", "plan": {"score": 72, "findings": [
                     {"rule": "seq-scan-selective", "severity": "high", "message": "reads all rows",
                      "suggestion": "index t (a)"}]}},
                   {"sql": "SELECT nonsense", "error": "column \\"nonsense\\" does not exist"}],
                 "indexRecommendations": [
                   {"create": "CREATE INDEX CONCURRENTLY ON public.t (a)", "costBefore": 2000, "costAfter": 20,
                    "costReductionPercent": 99.0, "statements": ["select * from t where a < ?"],
                    "tableWritesSinceStatsReset": 1200}],
                 "rejectedByTiming": [
                   {"index": "CREATE INDEX ON public.t (b)", "reason": "measured slower with it: 48.00 ms -> 77.00 ms"}]}
                """);
        String html = AnalysisHtml.render(report);
        assertThat(html).startsWith("<!DOCTYPE html>");
        int verdict = html.indexOf("id=\"verdict\"");
        assertThat(verdict).isPositive().isLessThan(html.indexOf("<h2>"));
        assertThat(html).contains("1 index(es) to create, 1 finding(s) (1 high), 1 statement(s) not analyzed");
        assertThat(html).contains("CREATE INDEX CONCURRENTLY ON public.t (a);</pre>")
                .contains("class=\"bar after\" style=\"width:1.00%\"")
                .contains("measured slower with it: 48.00 ms -&gt; 77.00 ms");
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;").contains("a &lt; 5");
        assertThat(html).contains("column &quot;nonsense&quot; does not exist");
        assertThat(html).doesNotContain("http://").doesNotContain("https://"); // opens from disk, offline
    }
}
