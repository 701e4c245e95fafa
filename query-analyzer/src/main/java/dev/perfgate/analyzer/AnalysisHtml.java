package dev.perfgate.analyzer;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The analysis as one self-contained HTML page (no script, no external file: it opens from disk and can be attached
 * to a CI run): the verdict first, then each index to create with its cost cut drawn as a before/after bar, the
 * alternatives dropped and why, and the statements worst score first with their findings and fixes (rewritten SQL
 * included). Built from the same JSON as {@code --format json}, like {@link AnalysisText}.
 */
final class AnalysisHtml {
    private AnalysisHtml() {
    }

    static String render(JsonNode report) {
        JsonNode recs = report.path("indexRecommendations");
        JsonNode statements = report.path("statements");
        AnalysisText.Summary summary = AnalysisText.Summary.of(report);
        List<JsonNode> analyzed = summary.analyzed();
        List<JsonNode> failed = summary.failed();
        boolean clean = recs.isEmpty() && summary.high() == 0 && failed.isEmpty();

        StringBuilder out = new StringBuilder(16_384);
        out.append("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>perfgate analyze</title>
                <style>
                body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#222}
                h1{font-size:1.5em;margin:0 0 .3em} h2{font-size:1.15em;margin:1.6em 0 .5em}
                .verdict{padding:.8em 1em;border-radius:6px;font-size:1.1em}
                .act{background:#fff4e0;border-left:6px solid #e08a00} .ok{background:#e8f6ea;border-left:6px solid #2e8b3e}
                pre{background:#f5f5f5;padding:.6em .8em;border-radius:4px;white-space:pre-wrap;margin:.3em 0}
                .bars{display:grid;grid-template-columns:6em 1fr;gap:2px 8px;align-items:center;max-width:40em}
                .bar{height:14px;border-radius:2px} .before{background:#c94c4c} .after{background:#2e8b3e}
                .sev{display:inline-block;min-width:4.5em;font-weight:600} .high{color:#b00020} .medium{color:#b36b00}
                .low{color:#666} .stmt{border-top:1px solid #ddd;padding:.6em 0} .score{font-weight:600}
                .muted{color:#666} li{margin:.25em 0}
                </style></head><body>
                """);
        out.append("<h1>perfgate analyze</h1>\n<p class=\"muted\">").append(statements.size())
                .append(" statement(s) from ").append(esc(report.path("source").asText("the given statements")))
                .append("; index trials: ").append(esc(summary.trials()))
                .append("; analyzed at ").append(esc(report.path("analyzedAt").asText())).append("</p>\n");
        out.append("<p class=\"verdict ").append(clean ? "ok" : "act").append("\" id=\"verdict\"><b>")
                .append(summary.verdict()).append("</b></p>\n");
        if (report.has("indexTrialsNote")) {
            out.append("<p class=\"muted\">").append(esc(report.path("indexTrialsNote").asText())).append("</p>\n");
        }
        if (!recs.isEmpty()) {
            out.append("<h2>Create</h2>\n<p class=\"muted\">The smallest set that gives each statement its best"
                    + " verified plan. Bars: planner cost before and after, for the statements it serves.</p>\n");
            for (JsonNode r : recs) {
                double before = r.path("costBefore").asDouble();
                double after = r.path("costAfter").asDouble();
                double width = after / Math.max(before, 1e-9) * 100;
                out.append("<div class=\"rec\"><pre>").append(esc(r.path("create").asText())).append(";</pre>\n")
                        .append("<div class=\"bars\"><span>before</span><div class=\"bar before\" style=\"width:100%\""
                                + " title=\"").append(num(before)).append("\"></div><span>after</span>")
                        .append("<div class=\"bar after\" style=\"width:").append(String.format(Locale.ROOT, "%.2f",
                                Math.max(width, 0.5))).append("%\" title=\"").append(num(after)).append("\"></div></div>")
                        .append(String.format(Locale.ROOT, "<p>cost %s &rarr; %s (&minus;%.1f %%), for %d statement(s)",
                                num(before), num(after), r.path("costReductionPercent").asDouble(),
                                r.path("statements").size()));
                if (r.has("tableWritesSinceStatsReset")) {
                    out.append(String.format(Locale.ROOT, "; every one of the table's %,d writes since its statistics"
                            + " were reset would maintain it too", r.path("tableWritesSinceStatsReset").asLong()));
                }
                if (r.path("timing").has("statements") || r.path("timing").has("skipped")) {
                    out.append("<br><span class=\"muted\">timed:</span> ")
                            .append(esc(AnalysisText.timing(r.path("timing"))));
                }
                out.append("</p></div>\n");
            }
        }
        if (report.has("droppedAlternatives")) {
            out.append("<h2>Dropped alternatives</h2>\n<ul>\n");
            for (JsonNode d : report.path("droppedAlternatives")) {
                out.append("<li><code>").append(esc(d.path("index").asText())).append("</code>: ")
                        .append(esc(d.path("reason").asText())).append("</li>\n");
            }
            out.append("</ul>\n");
        }
        if (report.has("rejectedByTiming")) {
            out.append("<h2>Rejected when timed</h2>\n<ul>\n");
            for (JsonNode d : report.path("rejectedByTiming")) {
                out.append("<li><code>").append(esc(d.path("index").asText())).append("</code>: ")
                        .append(esc(d.path("reason").asText())).append("</li>\n");
            }
            out.append("</ul>\n");
        }
        if (!analyzed.isEmpty()) {
            out.append("<h2>Statements, worst first</h2>\n");
            for (JsonNode s : analyzed) {
                JsonNode plan = s.path("plan");
                out.append("<div class=\"stmt\"><span class=\"score\">score ").append(plan.path("score").asInt())
                        .append("</span>");
                if (s.has("calls")) {
                    out.append(String.format(Locale.ROOT, " <span class=\"muted\">%,d calls, %.3f ms mean</span>",
                            s.path("calls").asLong(), s.path("meanMs").asDouble()));
                }
                out.append("<pre>").append(esc(s.path("sql").asText())).append("</pre>\n");
                if (plan.has("sampleValues")) {
                    out.append("<p class=\"muted\">").append(esc(plan.path("sampleValues").asText())).append("</p>\n");
                }
                if (!plan.path("findings").isEmpty()) {
                    out.append("<ul>\n");
                    for (JsonNode f : plan.path("findings")) {
                        String severity = f.path("severity").asText();
                        out.append("<li><span class=\"sev ").append(esc(severity)).append("\">").append(esc(severity))
                                .append("</span> <b>").append(esc(f.path("rule").asText())).append("</b>: ")
                                .append(esc(f.path("message").asText())).append("<br><span class=\"muted\">fix:</span> ")
                                .append(esc(f.path("suggestion").asText())).append("</li>\n");
                    }
                    out.append("</ul>\n");
                }
                for (JsonNode c : s.path("indexCandidates")) {
                    if (c.has("skipped")) {
                        out.append("<p class=\"muted\">not tried: <code>").append(esc(c.path("index").asText()))
                                .append("</code> (").append(esc(c.path("skipped").asText())).append(")</p>\n");
                    }
                }
                out.append("</div>\n");
            }
        }
        if (!failed.isEmpty()) {
            out.append("<h2>Not analyzed</h2>\n<ul>\n");
            for (JsonNode s : failed) {
                out.append("<li><pre>").append(esc(s.path("sql").asText())).append("</pre>")
                        .append(esc(s.path("error").asText())).append("</li>\n");
            }
            out.append("</ul>\n");
        }
        return out.append("</body></html>\n").toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%,.1f", v);
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
