package dev.perfgate.analyzer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The analysis as a report to read in a terminal: the verdict first (indexes to create, findings by severity,
 * statements that could not be analyzed), then the indexes to create with what each is worth, the alternatives
 * dropped and why, and the statements worst score first with each finding's fix. Everything comes from the same JSON
 * the {@code --format json} output and the service's endpoint give.
 */
final class AnalysisText {
    private static final int SQL_WIDTH = 110;

    private AnalysisText() {
    }

    static String render(JsonNode report) {
        StringBuilder out = new StringBuilder();
        JsonNode recs = report.path("indexRecommendations");
        JsonNode statements = report.path("statements");
        Summary summary = Summary.of(report);
        List<JsonNode> analyzed = summary.analyzed();
        List<JsonNode> failed = summary.failed();
        out.append(String.format(Locale.ROOT, "perfgate analyze: %d statement(s) from %s; index trials: %s%n",
                statements.size(), report.path("source").asText("the given statements"), summary.trials()));
        out.append("VERDICT: ").append(summary.verdict()).append('\n');
        if (report.has("indexTrialsNote")) {
            out.append("note: ").append(report.path("indexTrialsNote").asText()).append('\n');
        }
        if (!recs.isEmpty()) {
            out.append("\nCreate (the smallest set; each verified by ")
                    .append(report.path("indexTrials").asText()).append("):\n");
            for (JsonNode r : recs) {
                out.append("  ").append(r.path("create").asText()).append(";\n");
                out.append(String.format(Locale.ROOT, "      planner cost %.1f -> %.1f (-%.1f %%), for %d statement(s)%s%n",
                        r.path("costBefore").asDouble(), r.path("costAfter").asDouble(),
                        r.path("costReductionPercent").asDouble(), r.path("statements").size(),
                        r.has("tableWritesSinceStatsReset") ? String.format(Locale.ROOT, "; the table took %,d writes"
                                + " since its statistics were reset", r.path("tableWritesSinceStatsReset").asLong()) : ""));
                if (r.path("timing").has("statements") || r.path("timing").has("skipped")) {
                    out.append("      timed: ").append(timing(r.path("timing"))).append('\n');
                }
            }
        }
        if (report.has("droppedAlternatives")) {
            out.append("\nDropped (another recommended index serves their statements):\n");
            for (JsonNode d : report.path("droppedAlternatives")) {
                out.append("  ").append(d.path("index").asText()).append("\n      ").append(d.path("reason").asText())
                        .append('\n');
            }
        }
        if (report.has("rejectedByTiming")) {
            out.append("\nRejected when timed (the planner's cost fell, the measured time did not):\n");
            for (JsonNode d : report.path("rejectedByTiming")) {
                out.append("  ").append(d.path("index").asText()).append("\n      ").append(d.path("reason").asText())
                        .append('\n');
            }
        }
        if (!analyzed.isEmpty()) {
            out.append("\nStatements, worst first:\n");
            for (JsonNode s : analyzed) {
                JsonNode plan = s.path("plan");
                out.append(String.format(Locale.ROOT, "  [score %3d] %s%s%n", plan.path("score").asInt(),
                        shorten(s.path("sql").asText()), s.has("calls") ? String.format(Locale.ROOT,
                                "  (%,d calls, %.3f ms mean)", s.path("calls").asLong(), s.path("meanMs").asDouble())
                                : ""));
                if (plan.has("sampleValues")) {
                    out.append("      ").append(plan.path("sampleValues").asText()).append('\n');
                }
                for (JsonNode f : plan.path("findings")) {
                    out.append("      ").append(f.path("severity").asText().toUpperCase(Locale.ROOT)).append(' ')
                            .append(f.path("rule").asText()).append(": ").append(f.path("message").asText())
                            .append("\n          fix: ").append(f.path("suggestion").asText()).append('\n');
                }
                for (JsonNode c : s.path("indexCandidates")) {
                    if (c.has("skipped")) {
                        out.append("      not tried: ").append(c.path("index").asText()).append(" — ")
                                .append(c.path("skipped").asText()).append('\n');
                    }
                }
            }
        }
        if (!failed.isEmpty()) {
            out.append("\nNot analyzed:\n");
            for (JsonNode s : failed) {
                out.append("  ").append(shorten(s.path("sql").asText())).append("\n      ")
                        .append(s.path("error").asText().replaceAll("\\s*\\R\\s*", " ")).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * What both reports lead with: the statements analyzed (worst score first) and the ones that failed, the counts
     * of the verdict and how candidates were tried.
     */
    record Summary(JsonNode report, List<JsonNode> analyzed, List<JsonNode> failed, long findings, long high) {
        static Summary of(JsonNode report) {
            JsonNode statements = report.path("statements");
            List<JsonNode> analyzed = new ArrayList<>();
            List<JsonNode> failed = new ArrayList<>();
            statements.forEach(s -> (s.has("error") ? failed : analyzed).add(s));
            analyzed.sort((a, b) -> Integer.compare(a.path("plan").path("score").asInt(),
                    b.path("plan").path("score").asInt()));
            return new Summary(report, analyzed, failed, statements.findValues("rule").size(),
                    statements.findValuesAsText("severity").stream().filter("high"::equals).count());
        }

        String verdict() {
            return String.format(Locale.ROOT, "%d index(es) to create, %d finding(s) (%d high), %d statement(s) not"
                    + " analyzed", report.path("indexRecommendations").size(), findings, high, failed.size());
        }

        String trials() {
            return report.path("indexTrials").asText(report.path("indexAdvisor").asBoolean() ? "?" : "off");
        }
    }

    /** A recommendation's measured times, or why they were not taken. */
    static String timing(JsonNode timing) {
        if (timing.has("skipped")) {
            return "not timed: " + timing.path("skipped").asText();
        }
        List<String> parts = new ArrayList<>();
        for (JsonNode t : timing.path("statements")) {
            parts.add(String.format(Locale.ROOT, "%.2f -> %.2f ms", t.path("msBefore").asDouble(),
                    t.path("msAfter").asDouble()));
        }
        return String.join("; ", parts) + " (medians of " + timing.path("runs").asInt() + ", concurrently built)";
    }

    private static String shorten(String sql) {
        String one = sql.replaceAll("\\s+", " ").strip();
        return one.length() <= SQL_WIDTH ? one : one.substring(0, SQL_WIDTH - 1) + "…";
    }
}
