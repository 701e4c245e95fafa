package dev.perfgate.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** Reads and writes run results and baselines as JSON. */
public final class ResultFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private ResultFiles() {
    }

    /** Writes a run result (results.json, or a baseline). */
    public static void write(Path file, RunResult result) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            MAPPER.writeValue(file.toFile(), result);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /** Reads a run result, or returns null when the file does not exist. */
    public static RunResult read(Path file) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return MAPPER.readValue(file.toFile(), RunResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes checks as JUnit XML: one test case per check, failures for failed ones, in one suite. */
    public static void writeJUnit(Path file, String suite, List<Check> checks, double seconds) {
        long failures = checks.stream().filter(Check::failed).count();
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append(String.format("<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"0\" time=\"%.3f\">%n",
                xml(suite), checks.size(), failures, seconds));
        for (Check c : checks) {
            x.append(String.format("  <testcase classname=\"%s.%s\" name=\"%s %s\" time=\"0\">", xml(suite), c.group(),
                    xml(c.subject()), c.metric()));
            if (c.verdict() == Check.Verdict.WARN) {
                x.append("\n    <system-out>").append(xml("not enforced: " + c.describe())).append("</system-out>\n  ");
            }
            if (c.failed()) {
                x.append("\n    <failure message=\"").append(xml(c.describe())).append("\" type=\"").append(c.group())
                        .append("\">").append(xml(c.describe())).append("</failure>\n  ");
            }
            x.append("</testcase>\n");
        }
        x.append("</testsuite>\n");
        writeString(file, x.toString());
    }

    /** Writes the HTML regression page: one row per check with baseline, current, delta and verdict. */
    public static void writeRegressionPage(Path file, String title, List<Check> checks, String gatlingReportLink) {
        StringBuilder h = new StringBuilder();
        long failed = checks.stream().filter(Check::failed).count();
        h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(xml(title))
                .append("</title><style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
                        + "td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}td.l,th.l{text-align:left}"
                        + ".FAIL{background:#fdd;font-weight:bold}.NEW{background:#eef}.WARN{background:#ffe}.PASS{color:#264}"
                        + "</style></head><body>")
                .append("<h1>").append(xml(title)).append("</h1><p>")
                .append(failed == 0 ? "All checks passed." : failed + " check(s) failed.").append(" ")
                .append(checks.size()).append(" checks.");
        if (gatlingReportLink != null) {
            h.append(" <a href=\"").append(xml(gatlingReportLink)).append("\">Gatling report</a>");
        }
        h.append("</p><table><tr><th class=l>verdict</th><th class=l>check</th><th class=l>request</th>"
                + "<th class=l>metric</th><th>expected / baseline</th><th>current</th><th>delta</th><th class=l>rule</th></tr>");
        for (Check c : checks) {
            String delta = Double.isNaN(c.expected()) ? "" : c.expected() == 0 ? Check.format(c.actual() - c.expected())
                    : String.format("%+.1f %%", 100 * (c.actual() - c.expected()) / c.expected());
            h.append("<tr class=").append(c.verdict()).append("><td class=l>").append(c.verdict())
                    .append("</td><td class=l>").append(c.group()).append("</td><td class=l>").append(xml(c.subject()))
                    .append("</td><td class=l>").append(c.metric()).append("</td><td>")
                    .append(Double.isNaN(c.expected()) ? "-" : Check.format(c.expected())).append("</td><td>")
                    .append(Check.format(c.actual())).append("</td><td>").append(delta).append("</td><td class=l>")
                    .append(xml(c.rule())).append("</td></tr>");
        }
        h.append("</table></body></html>\n");
        writeString(file, h.toString());
    }

    private static void writeString(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
