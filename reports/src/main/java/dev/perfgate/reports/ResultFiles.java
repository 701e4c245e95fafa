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
    /** The mapper of results, baselines and the service figures in them (unknown properties are skipped). */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private ResultFiles() {
    }

    /** Writes a run result (results.json, or a baseline). */
    public static void write(Path file, RunResult result) {
        writeJson(file, result);
    }

    /** Reads a run result, or returns null when the file does not exist. */
    public static RunResult read(Path file) {
        return readJson(file, RunResult.class);
    }

    /** Writes any of the harness's JSON files (indented, ISO instants), creating its directory. */
    public static void writeJson(Path file, Object value) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            MAPPER.writeValue(file.toFile(), value);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /** Reads any of the harness's JSON files, or returns null when the file does not exist. */
    public static <T> T readJson(Path file, Class<T> type) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return MAPPER.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the baseline of a simulation, or returns null when there is none; a baseline of another simulation or of
     * an older schema stops with what to do, instead of a misleading verdict.
     */
    public static RunResult readBaseline(Path file, String simulation) {
        RunResult b = read(file);
        if (b == null) {
            return null;
        }
        if (!simulation.equals(b.simulation())) {
            throw new IllegalStateException("baseline " + file + " is a run of " + b.simulation() + ", not of "
                    + simulation + ": record this simulation's own with -Dbaseline=update");
        }
        if (b.schemaVersion() != RunResult.SCHEMA_VERSION) {
            throw new IllegalStateException("baseline " + file + " has results.json schema version "
                    + b.schemaVersion() + ", the gate reads version " + RunResult.SCHEMA_VERSION
                    + " (exact histograms for the confidence intervals): re-record it with -Dbaseline=update");
        }
        return b;
    }

    /** Writes checks as JUnit XML: one test case per check, failures for failed ones, skipped for voided ones. */
    public static void writeJUnit(Path file, String suite, List<Check> checks, double seconds) {
        long failures = checks.stream().filter(Check::failed).count();
        long skipped = checks.stream().filter(c -> c.verdict() == Check.Verdict.INVALID).count();
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append(String.format("<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"%d\""
                + " time=\"%.3f\">%n", xml(suite), checks.size(), failures, skipped, seconds));
        for (Check c : checks) {
            x.append(String.format("  <testcase classname=\"%s.%s\" name=\"%s %s\" time=\"0\">", xml(suite), c.group(),
                    xml(c.subject()), c.metric()));
            if (c.verdict() == Check.Verdict.WARN) {
                x.append("\n    <system-out>").append(xml("not enforced: " + c.describe())).append("</system-out>\n  ");
            }
            if (c.verdict() == Check.Verdict.INVALID) {
                x.append("\n    <skipped message=\"").append(xml("invalid run: " + c.describe())).append("\"/>\n  ");
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

    /**
     * What the regression page shows: the verdict first, then the checks that failed, were voided or warned, then
     * the rest; the run's validity, the confirmation notes and the gate's calibrated sensitivity beside the verdict.
     *
     * @param notes       lines under the verdict (attempts, baseline used)
     * @param calibration the gate's measured false-alarm rate and sensitivity for this profile, or null
     * @param trendsLink  the trend site's page for this run's environment, or null
     * @param flameGraph  the service's flame graph for this run ({@link FlameGraph}), relative to the page, or null;
     *                    linked in the verdict and beside every failed check
     * @param capacity    a capacity run's levels, drawn under the verdict with the knee marked; null for other runs
     */
    public record Page(String title, List<Check> checks, String gatlingReportLink, RunValidity validity,
                       List<String> notes, Calibration.Result calibration, String trendsLink, String flameGraph,
                       List<RunResult.CapacityLevel> capacity) {
        public Page(String title, List<Check> checks, String gatlingReportLink, RunValidity validity,
                    List<String> notes, Calibration.Result calibration) {
            this(title, checks, gatlingReportLink, validity, notes, calibration, null, null, null);
        }
    }

    /** Writes the HTML regression page (see {@link Page}). */
    public static void writeRegressionPage(Path file, Page page) {
        List<Check> checks = page.checks();
        Confirmation.Outcome outcome = Confirmation.outcome(checks);
        long failed = checks.stream().filter(Check::failed).count();
        long invalid = checks.stream().filter(c -> c.verdict() == Check.Verdict.INVALID).count();
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(xml(page.title()))
                .append("</title><style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
                        + "td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}td.l,th.l{text-align:left}"
                        + ".FAIL{background:#fdd;font-weight:bold}.NEW{background:#eef}.WARN{background:#ffe}.PASS{color:#264}"
                        + ".INVALID{background:#eee;color:#555}.verdict{font-size:1.4em;padding:.6em 1em;border-radius:6px}"
                        + ".v-PASS{background:#dfd}.v-FAIL{background:#fcc}.v-INVALID{background:#ddd}"
                        + "</style></head><body>")
                .append("<h1>").append(xml(page.title())).append("</h1><p class=\"verdict v-").append(outcome)
                .append("\" id=\"verdict\">").append(switch (outcome) {
                    case PASS -> "PASS: every check held.";
                    case FAIL -> "FAIL: " + failed + " check(s) failed.";
                    case INVALID -> "INVALID RUN: " + invalid + " timing check(s) failed while the load generator"
                            + " was stalled; not a regression of the service.";
                }).append(" ").append(checks.size()).append(" checks.");
        if (page.gatlingReportLink() != null) {
            h.append(" <a href=\"").append(xml(page.gatlingReportLink())).append("\">Gatling report</a>");
        }
        if (page.trendsLink() != null) {
            h.append(" <a href=\"").append(xml(page.trendsLink())).append("\" id=\"trends\">trends over runs</a>");
        }
        if (page.flameGraph() != null) {
            h.append(" <a href=\"").append(xml(page.flameGraph()))
                    .append("\" id=\"flamegraph\">where the service's CPU went</a>");
        }
        h.append("</p>");
        if (page.validity() != null) {
            h.append("<p id=\"validity\">").append(xml(page.validity().describe())).append("</p>");
        }
        for (String note : page.notes()) {
            h.append("<p>").append(xml(note)).append("</p>");
        }
        if (page.calibration() != null) {
            h.append(page.calibration().html());
        }
        if (page.capacity() != null && !page.capacity().isEmpty()) {
            h.append(capacityChart(page.capacity()));
        }
        h.append("<table><tr><th class=l>verdict</th><th class=l>check</th><th class=l>request</th>"
                + "<th class=l>metric</th><th>expected / baseline</th><th>current</th><th>delta</th><th class=l>rule</th></tr>");
        List<Check> ordered = new java.util.ArrayList<>(checks);
        ordered.sort(java.util.Comparator.comparingInt(c -> switch (c.verdict()) {
            case FAIL -> 0;
            case INVALID -> 1;
            case WARN -> 2;
            case NEW -> 3;
            case PASS -> 4;
        }));
        for (Check c : ordered) {
            String delta = Double.isNaN(c.expected()) ? "" : c.expected() == 0 ? Check.format(c.actual() - c.expected())
                    : String.format("%+.1f %%", 100 * (c.actual() - c.expected()) / c.expected());
            h.append("<tr class=").append(c.verdict()).append("><td class=l>").append(c.verdict())
                    .append("</td><td class=l>").append(c.group()).append("</td><td class=l>").append(xml(c.subject()))
                    .append("</td><td class=l>").append(c.metric()).append("</td><td>")
                    .append(Double.isNaN(c.expected()) ? "-" : Check.format(c.expected())).append("</td><td>")
                    .append(Check.format(c.actual())).append("</td><td>").append(delta).append("</td><td class=l>")
                    .append(xml(c.rule()));
            if (c.failed() && page.flameGraph() != null) {
                h.append(" <a class=profile href=\"").append(xml(page.flameGraph())).append("\">flame graph</a>");
            }
            h.append("</td></tr>");
        }
        h.append("</table></body></html>\n");
        writeString(file, h.toString());
    }

    /**
     * Draws a capacity run as bars, one per level: the requests per second the service answered there, green where
     * every budget held and red where one broke, the knee marked, and under each level the service's share of the
     * machine's CPU there (a level broken while the service had a minority of a saturated machine measures the
     * machine). A picture of where the service stops, under the verdict; the numbers are in the table below it.
     */
    static String capacityChart(List<RunResult.CapacityLevel> levels) {
        RunResult.Knee knee = RunResult.Knee.of(levels);
        int width = 760;
        int height = 280;
        int left = 70;
        int bottom = 54;
        int top = 30;
        double most = levels.stream().mapToDouble(RunResult.CapacityLevel::requestsPerSecond).max().orElse(1);
        double scale = (height - top - bottom) / Math.max(1, most);
        double slot = (double) (width - left - 10) / levels.size();
        StringBuilder svg = new StringBuilder();
        svg.append("<figure id=capacity><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" role=img aria-label=\"requests per second answered at")
                .append(" each arrival rate; the knee at ").append(Check.format(knee.sessionsPerSecond()))
                .append(" sessions per second\" font-family=\"system-ui,sans-serif\" font-size=\"11\">");
        svg.append("<line x1=\"").append(left).append("\" y1=\"").append(height - bottom).append("\" x2=\"")
                .append(width - 10).append("\" y2=\"").append(height - bottom).append("\" stroke=\"#888\"/>");
        svg.append("<text x=\"4\" y=\"").append(top - 12).append("\">requests/s answered</text>");
        svg.append("<text x=\"").append(left).append("\" y=\"").append(height - 6)
                .append("\">arrival rate, sessions/s")
                .append(levels.stream().anyMatch(l -> l.cpu() != null && l.cpu().servicePercent() >= 0)
                        ? "; under it, the service's share of the machine's CPU" : "").append("</text>");
        for (int i = 0; i < levels.size(); i++) {
            RunResult.CapacityLevel l = levels.get(i);
            double barHeight = l.requestsPerSecond() * scale;
            double x = left + i * slot + slot * 0.15;
            double y = height - bottom - barHeight;
            boolean isKnee = l.budgetsHeld() && l.sessionsPerSecond() == knee.sessionsPerSecond();
            svg.append(String.format(java.util.Locale.ROOT, "<rect class=\"level %s\" x=\"%.1f\" y=\"%.1f\""
                            + " width=\"%.1f\" height=\"%.1f\" fill=\"%s\"%s><title>%s sessions/s: %s requests/s, %s%s</title>"
                            + "</rect>", l.budgetsHeld() ? "held" : "broke", x, y, slot * 0.7, barHeight,
                    l.budgetsHeld() ? "#5a5" : "#d55", isKnee ? " stroke=\"#000\" stroke-width=\"2\"" : "",
                    Check.format(l.sessionsPerSecond()), Check.format(l.requestsPerSecond()),
                    xml(l.budgetsHeld() ? "every budget held" : "broke " + String.join(", ", l.breaches())),
                    l.cpu() == null ? "" : xml("; " + l.cpu().describe())));
            svg.append(String.format(java.util.Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                    x + slot * 0.35, height - bottom + 14, Check.format(l.sessionsPerSecond())));
            if (l.cpu() != null && l.cpu().servicePercent() >= 0) {
                svg.append(String.format(java.util.Locale.ROOT, "<text class=\"service-cpu\" x=\"%.1f\" y=\"%d\""
                                + " text-anchor=\"middle\" fill=\"#555\">%.0f%%</text>", x + slot * 0.35,
                        height - bottom + 28, l.cpu().servicePercent()));
            }
            svg.append(String.format(java.util.Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
                    x + slot * 0.35, y - 3, Check.format(Math.round(l.requestsPerSecond()))));
            if (isKnee) {
                svg.append(String.format(java.util.Locale.ROOT, "<text id=knee x=\"%.1f\" y=\"%d\" text-anchor=\"middle\""
                        + " font-weight=\"bold\">knee</text>", x + slot * 0.35, top - 12));
            }
        }
        svg.append("</svg><figcaption>").append(xml(knee.describe())).append("</figcaption></figure>");
        return svg.toString();
    }

    /** Writes a report file, making its directory. */
    static void writeString(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
