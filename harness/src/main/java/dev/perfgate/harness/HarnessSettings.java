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
 * @param injection      how many injectors share the load, and which one this JVM is
 */
public record HarnessSettings(String profile, BaselinePolicy baseline, Path budgetsFile, Path baselineDir, Path runsDir,
                              Path gatlingResults, boolean confirm, Path confirmationOf, Path runDir, String session,
                              Path summaryDir, String history, Path trendsDir, Injection injection) {

    /**
     * Several injectors sharing one run's load ({@code -Dinjectors=N}): on one machine, injector 0 (the JVM Gatling's
     * Maven plugin started) starts the others and merges their shares; in a Kubernetes Indexed Job each pod is one
     * injector and a final step merges (docs/scale-out.md).
     *
     * @param count           how many injectors (default 1: this JVM alone)
     * @param index           this JVM's, 0 … count - 1 (default 0)
     * @param dir             where shares are exchanged, or null for the run directory's {@code injectors/}
     * @param maxSkewMs       how far apart the injectors' loads may start (default 2000 ms)
     * @param waitSeconds     how long injector 0 waits for the others to be ready and, after its own load, to finish
     *                        (default 180 s; one later than that is stopped and the merge names it)
     * @param coordinatorPid  injector 0's process id when it started this one on the same machine beside the service it
     *                        declared (its tree's CPU is then not other work), else -1
     * @param startsOthers    whether injector 0 starts the others on this machine ({@code injectorsStart=local}, the
     *                        default) or an engine starts them elsewhere ({@code external})
     */
    public record Injection(int count, int index, Path dir, long maxSkewMs, int waitSeconds, long coordinatorPid,
                            boolean startsOthers) {
        /** This JVM alone. */
        public static final Injection ALONE = new Injection(1, 0, null, 2000, 180, -1, true);

        /** Returns whether other injectors share this run's load. */
        public boolean shared() {
            return count > 1;
        }

        /** Returns whether this JVM merges the shares and judges the run (injector 0). */
        public boolean judges() {
            return index == 0;
        }

        static Injection fromSystemProperties() {
            int count = intSetting("injectors", "1", 1, 64);
            int index = intSetting("injector", "0", 0, count - 1);
            String dir = get("injectorsDir", "");
            String start = get("injectorsStart", "local");
            if (!Set.of("local", "external").contains(start)) {
                throw new IllegalArgumentException("perfgate.injectorsStart was \"" + start + "\", must be local"
                        + " (injector 0 starts the others on this machine) or external (an engine starts them)");
            }
            if (start.equals("external") && count > 1 && dir.isEmpty()) {
                throw new IllegalArgumentException("perfgate.injectorsDir is not set: injectors started elsewhere"
                        + " (perfgate.injectorsStart=external) exchange their shares through a directory they share");
            }
            return new Injection(count, index, dir.isEmpty() ? null : Path.of(dir).toAbsolutePath(),
                    intSetting("maxInjectorSkewMs", "2000", 0, 600_000), intSetting("injectorWaitSeconds", "180", 1,
                    86_400), intSetting("coordinatorPid", "-1", -1, Integer.MAX_VALUE), start.equals("local"));
        }
    }

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
                Path.of(get("trendsDir", "target/perfgate/trends")).toAbsolutePath(), Injection.fromSystemProperties());
    }

    /** Reads a whole-number setting within [min, max]; anything else stops the run naming the key and the rule. */
    private static int intSetting(String key, String otherwise, int min, int max) {
        String v = get(key, otherwise);
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            n = Integer.MIN_VALUE;
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("perfgate." + key + " was \"" + v + "\", must be a whole number from "
                    + min + " to " + max);
        }
        return n;
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
