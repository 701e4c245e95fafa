package dev.perfgate.load.harness;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The harness's settings, passed from Maven to the Gatling JVM as {@code perfgate.*} system properties
 * ({@code -Dprofile=}, {@code -Dtarget=}, {@code -Dbaseline=}, {@code -Dregress=} on the command line).
 *
 * @param target    a running service to load (no start, no stop); empty: start one
 * @param baseline  "compare" (default), "update" (rewrite the baselines from this run) or "off"
 * @param regress   request names to send with {@code X-Perf-Mode: baseline}: a deliberate regression that the gate
 *                  must catch (tests, and anyone who wants to see the gate fail)
 * @param sutEnv    extra settings for the service the harness starts ({@code -DsutEnv=SUT_CACHE_ENABLED=false,...}),
 *                  e.g. to measure it without its cache
 * @param confirm   re-run a simulation once when a timing check failed, and fail only when it fails again
 *                  ({@code -Dconfirm=false} turns it off)
 * @param confirmationOf the run directory of the run this one confirms (set by the harness for the re-run), or null
 * @param session   identifies one {@code gatling:test} invocation, whose simulations share one summary table
 * @param summaryDir where that summary is kept
 */
public record Settings(Profile profile, Optional<URI> target, String baseline, Set<String> regress, Path root,
                       Path baselineDir, Path runsDir, Path sutDir, java.util.Map<String, String> sutEnv,
                       boolean confirm, Path confirmationOf, String session, Path summaryDir) {

    /** Reads and validates the settings of this Gatling JVM. */
    public static Settings fromSystemProperties() {
        Profile profile = Profile.parse(System.getProperty("perfgate.profile", "ci"));
        String rawTarget = System.getProperty("perfgate.target", "").strip();
        Optional<URI> target = Optional.empty();
        if (!rawTarget.isEmpty()) {
            URI uri = URI.create(rawTarget);
            if (!Set.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("target was \"" + rawTarget + "\", must be http://host:port");
            }
            target = Optional.of(uri);
        }
        String baseline = System.getProperty("perfgate.baseline", "compare").strip().toLowerCase(Locale.ROOT);
        if (!Set.of("compare", "update", "off").contains(baseline)) {
            throw new IllegalArgumentException("baseline was \"" + baseline + "\", must be compare, update or off");
        }
        Set<String> regress = Set.of(System.getProperty("perfgate.regress", "").split(",")).stream()
                .map(String::strip).filter(s -> !s.isEmpty()).collect(java.util.stream.Collectors.toUnmodifiableSet());
        Path root = Path.of(System.getProperty("perfgate.root", "..")).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("system-under-test"))) {
            throw new IllegalArgumentException("perfgate.root was \"" + root + "\", must be the perfgate checkout");
        }
        Path baselineDir = Path.of(System.getProperty("perfgate.baselineDir",
                root.resolve("reports").resolve("baselines").toString()));
        Path runsDir = Path.of(System.getProperty("perfgate.runsDir", root.resolve("reports").resolve("runs").toString()));
        java.util.Map<String, String> sutEnv = new java.util.LinkedHashMap<>();
        for (String pair : System.getProperty("perfgate.sutEnv", "").split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] kv = pair.strip().split("=", 2);
            if (kv.length != 2 || !kv[0].startsWith("SUT_")) {
                throw new IllegalArgumentException("sutEnv entry was \"" + pair + "\", must be SUT_KEY=value");
            }
            sutEnv.put(kv[0], kv[1]);
        }
        String confirm = System.getProperty("perfgate.confirm", "true").strip().toLowerCase(Locale.ROOT);
        if (!Set.of("true", "false").contains(confirm)) {
            throw new IllegalArgumentException("confirm was \"" + confirm + "\", must be true or false");
        }
        String of = System.getProperty("perfgate.confirmationOf", "").strip();
        String session = System.getProperty("perfgate.session", "").strip();
        Path summaryDir = Path.of(System.getProperty("perfgate.summaryDir", runsDir.toString()));
        return new Settings(profile, target, baseline, regress, root, baselineDir, runsDir,
                root.resolve("system-under-test"), java.util.Map.copyOf(sutEnv), confirm.equals("true"),
                of.isEmpty() ? null : Path.of(of), session.isEmpty() ? "unnamed" : session, summaryDir);
    }
}
