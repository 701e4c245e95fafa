package dev.perfgate.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import dev.perfgate.reports.Check;
import dev.perfgate.reports.Confirmation;

/** Gatling's own HTML report of a simulation: finding the latest, and putting perfgate's verdict at its top. */
final class GatlingReport {
    private GatlingReport() {
    }

    /**
     * Puts perfgate's verdict at the top of Gatling's own index.html, linking regression.html beside it: Gatling
     * shows its own assertions green while the gate may have failed the build, and the page people open must not
     * say otherwise.
     */
    static void banner(Path index, Confirmation.Outcome outcome, List<Check> checks) throws IOException {
        banner(index, outcome, checks, null);
    }

    /** As above, with a link to the trend site's page of the run's environment when there is one. */
    static void banner(Path index, Confirmation.Outcome outcome, List<Check> checks, String trends)
            throws IOException {
        if (!Files.exists(index)) {
            return;
        }
        String html = Files.readString(index);
        String marker = "<!-- perfgate verdict -->";
        int at = html.indexOf(marker);
        if (at >= 0) { // written again after a confirmation: replace the first banner
            int end = html.indexOf("</div>", at) + "</div>".length();
            html = html.substring(0, at) + html.substring(end);
        }
        long failed = checks.stream().filter(Check::failed).count();
        String colour = switch (outcome) {
            case PASS -> "#dfd";
            case FAIL -> "#fcc";
            case INVALID -> "#ddd";
        };
        String banner = marker + "<div style=\"padding:12px 20px;background:" + colour + ";font:16px system-ui,"
                + "sans-serif;border-bottom:1px solid #999\"><b>perfgate: " + outcome + "</b> — "
                + (failed > 0 ? failed + " check(s) failed" : outcome == Confirmation.Outcome.INVALID
                        ? "invalid run: the load generator or the machine was disturbed" : "every check held")
                + "; Gatling's own assertions below do not include perfgate's checks. "
                + "<a href=\"regression.html\">perfgate's verdict and every check</a>"
                + (trends == null ? "" : " · <a href=\"" + trends.replace("\"", "%22") + "\">trends over runs</a>")
                + "</div>";
        int body = html.indexOf("<body");
        int insert = body < 0 ? 0 : html.indexOf('>', body) + 1;
        Files.writeString(index, html.substring(0, insert) + banner + html.substring(insert));
    }

    /** Returns the newest report directory of a simulation under Gatling's results directory, or null. */
    static Path latest(Path dir, String gatlingName) {
        String prefix = gatlingName.toLowerCase(Locale.ROOT) + "-";
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> reports = Files.list(dir)) {
            return reports.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .filter(p -> Files.exists(p.resolve("index.html")))
                    .max(Comparator.comparing(p -> p.getFileName().toString())).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
