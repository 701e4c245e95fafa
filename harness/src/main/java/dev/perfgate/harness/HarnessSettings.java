package dev.perfgate.harness;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

import dev.perfgate.reports.BaselinePolicy;
import dev.perfgate.reports.history.History;

/**
 * The harness's settings, read from system properties of the Gatling JVM. Gatling's Maven plugin passes the
 * properties of the {@code mvn} command line on to that JVM, so {@code mvn gatling:test -Dperfgate.baseline=update}
 * works in any project; each has a short form ({@code -Dbaseline=update}) used when the long one is absent.
 *
 * @param profile        names the kind of run a baseline belongs to (default "default"): baselines are per
 *                       simulation and profile
 * @param baseline       compare (default), update (rewrite the baseline from this run) or off
 * @param budgetsFile    the budgets file (default budgets.yaml in the working directory, the project's)
 * @param baselineDir    where baselines are kept (default perfgate/baselines)
 * @param runsDir        where each run writes its files (default target/perfgate/runs)
 * @param gatlingResults where Gatling writes its reports (default target/gatling)
 * @param confirm        re-run a simulation once when a timing check failed, failing only when it fails again
 * @param confirmationOf the run directory of the run this one confirms (set by the harness for the re-run), or null
 * @param runDir         this run's own directory when given (a confirmation run's), or null for a new one
 * @param session        names one {@code gatling:test} invocation, whose simulations share one summary table
 * @param summaryDir     where that summary is kept
 * @param history        where runs accumulate for the trend gate and site: a directory (default perfgate/history),
 *                       a jdbc:postgresql: URL, or "off"
 * @param trendsDir      where the trend site is written (default target/perfgate/trends)
 */
public record HarnessSettings(String profile, BaselinePolicy baseline, Path budgetsFile, Path baselineDir, Path runsDir,
                              Path gatlingResults, boolean confirm, Path confirmationOf, Path runDir, String session,
                              Path summaryDir, String history, Path trendsDir) {

    /** Reads and validates the settings of this JVM; a bad value stops the run before any load. */
    public static HarnessSettings fromSystemProperties() {
        String profile = get("profile", "default");
        if (!profile.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("perfgate.profile was \"" + profile + "\", must be letters, digits, - or _");
        }
        BaselinePolicy baseline = BaselinePolicy.parse("perfgate.baseline", get("baseline", "compare"));
        String confirm = get("confirm", "true").toLowerCase(Locale.ROOT);
        if (!Set.of("true", "false").contains(confirm)) {
            throw new IllegalArgumentException("perfgate.confirm was \"" + confirm + "\", must be true or false");
        }
        Path runsDir = Path.of(get("runsDir", "target/perfgate/runs")).toAbsolutePath();
        String of = get("confirmationOf", "");
        String runDir = get("runDir", "");
        String session = get("session", "");
        return new HarnessSettings(profile, baseline, Path.of(get("budgets", "budgets.yaml")).toAbsolutePath(),
                Path.of(get("baselineDir", "perfgate/baselines")).toAbsolutePath(), runsDir,
                Path.of(get("gatlingResults", "target/gatling")).toAbsolutePath(), confirm.equals("true"),
                of.isEmpty() ? null : Path.of(of), runDir.isEmpty() ? null : Path.of(runDir),
                session.isEmpty() ? Long.toString(ProcessHandle.current().pid()) : session,
                Path.of(get("summaryDir", runsDir.toString())).toAbsolutePath(), historySetting(),
                Path.of(get("trendsDir", "target/perfgate/trends")).toAbsolutePath());
    }

    /** The history setting: "off", a jdbc:postgresql: URL, or a directory made absolute. */
    private static String historySetting() {
        String h = get("history", "perfgate/history");
        if (h.equals("off")) {
            return h;
        }
        if (h.startsWith("jdbc:")) {
            History.open(h); // checks the URL's kind before any load; connects only when used
            return h;
        }
        return Path.of(h).toAbsolutePath().toString();
    }

    /** Returns {@code perfgate.<key>}, else {@code <key>}, else the default, stripped. */
    static String get(String key, String otherwise) {
        String v = System.getProperty("perfgate." + key);
        if (v == null || v.isBlank()) {
            v = System.getProperty(key);
        }
        return v == null || v.isBlank() ? otherwise : v.strip();
    }
}
