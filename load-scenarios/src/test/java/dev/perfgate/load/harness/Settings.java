package dev.perfgate.load.harness;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reference project's own settings, passed from Maven to the Gatling JVM as {@code perfgate.*} system
 * properties ({@code -Dprofile=}, {@code -Dtarget=}, {@code -Dregress=}, {@code -DsutEnv=} on the command line); the
 * harness reads its own ({@code HarnessSettings}: baseline, budgets, directories, confirmation).
 *
 * @param targets   running service nodes to load, comma-separated in {@code -Dtarget=} (no start, no stop); each
 *                  virtual user picks one in turn; empty: start the service
 * @param nodes     how many nodes of the service to start when there is no target ({@code -Dnodes=}, default 1):
 *                  several share one embedded PostgreSQL and Redis, as production nodes share theirs
 * @param regress   request names to send with {@code X-Perf-Mode: naive}: a deliberate regression that the gate
 *                  must catch (tests, and anyone who wants to see the gate fail)
 * @param sutEnv    extra settings for the service the harness starts ({@code -DsutEnv=SUT_CACHE_ENABLED=false,...}),
 *                  e.g. to measure it without its cache
 * @param capacityCeiling the highest arrival rate a capacity run tries, sessions/s ({@code -DcapacityCeiling=});
 *                  0 for the profile's own
 * @param profileService whether the service the harness starts records a flight recording, drawn as a flame graph
 *                  beside the report ({@code -DprofileService=true}; capacity runs always do)
 */
public record Settings(Profile profile, List<URI> targets, int nodes, Set<String> regress, Path root, Path sutDir,
                       Map<String, String> sutEnv, double capacityCeiling, boolean profileService) {

    /** Reads and validates the settings of this Gatling JVM. */
    public static Settings fromSystemProperties() {
        Profile profile = Profile.parse(System.getProperty("perfgate.profile", "ci"));
        String rawTarget = System.getProperty("perfgate.target", "").strip();
        List<URI> targets = new ArrayList<>();
        for (String one : rawTarget.split(",")) {
            if (one.isBlank()) {
                continue;
            }
            URI uri;
            try {
                uri = URI.create(one.strip());
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || !Set.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("target was \"" + rawTarget + "\", must be http://host:port, or"
                        + " several separated by commas");
            }
            targets.add(uri);
        }
        String rawNodes = System.getProperty("perfgate.nodes", System.getProperty("nodes", "")).strip();
        int nodes;
        try {
            nodes = rawNodes.isEmpty() ? 1 : Integer.parseInt(rawNodes);
        } catch (NumberFormatException e) {
            nodes = 0;
        }
        if (nodes < 1 || nodes > 8) {
            throw new IllegalArgumentException("nodes was \"" + rawNodes + "\", must be a whole number from 1 to 8");
        }
        Set<String> regress = Set.of(System.getProperty("perfgate.regress", "").split(",")).stream()
                .map(String::strip).filter(s -> !s.isEmpty()).collect(java.util.stream.Collectors.toUnmodifiableSet());
        Path root = Path.of(System.getProperty("perfgate.root", "..")).toAbsolutePath().normalize();
        // the checkout is needed to start the service; against a target (an injector pod) there may be none
        if (targets.isEmpty() && !Files.isDirectory(root.resolve("system-under-test"))) {
            throw new IllegalArgumentException("perfgate.root was \"" + root + "\", must be the perfgate checkout");
        }
        Map<String, String> sutEnv = new java.util.LinkedHashMap<>();
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
        String rawCeiling = System.getProperty("perfgate.capacityCeiling", "").strip();
        double ceiling;
        try {
            ceiling = rawCeiling.isEmpty() ? 0 : Double.parseDouble(rawCeiling);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("capacityCeiling was \"" + rawCeiling + "\", must be a number of"
                    + " sessions per second");
        }
        String rawProfile = System.getProperty("perfgate.profileService", "").strip();
        if (!Set.of("", "true", "false").contains(rawProfile)) {
            throw new IllegalArgumentException("profileService was \"" + rawProfile + "\", must be true or false");
        }
        return new Settings(profile, List.copyOf(targets), nodes, regress, root, root.resolve("system-under-test"), Map.copyOf(sutEnv),
                ceiling, rawProfile.equals("true"));
    }
}
