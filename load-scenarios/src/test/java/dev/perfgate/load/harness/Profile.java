package dev.perfgate.load.harness;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How much load each scenario gets. Closed scenarios (a fixed team working) are sized in concurrent users, open
 * ones (arrivals from outside) in new sessions per second; see the README for why each is which.
 *
 * @param scale data scale of a service this harness starts itself
 */
public enum Profile {
    /** Seconds per scenario, for ./mvnw verify: proves the pipeline, not the service's speed. */
    SMOKE(0.05, Duration.ofSeconds(8), 2, 1.0, 2.0, 1),
    /** The default: about a minute per scenario, the whole run within 10 minutes on 2 cores. */
    CI(1.0, Duration.ofSeconds(60), 10, 2.0, 5.0, 3),
    /** The durations and user counts of the performance plan. */
    FULL(1.0, Duration.ofMinutes(4), 50, 4.0, 12.0, 10);

    private final double scale;
    private final Duration duration;
    private final int planners;
    private final double vendorSessionsPerSecond;
    private final double mobileSessionsPerSecond;
    private final int analysts;

    Profile(double scale, Duration duration, int planners, double vendorSessionsPerSecond,
            double mobileSessionsPerSecond, int analysts) {
        this.scale = scale;
        this.duration = duration;
        this.planners = planners;
        this.vendorSessionsPerSecond = vendorSessionsPerSecond;
        this.mobileSessionsPerSecond = mobileSessionsPerSecond;
        this.analysts = analysts;
    }

    /** Parses {@code -Dprofile=}; an unknown name is an error, never a silent default. */
    public static Profile parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("profile was \"" + name + "\", must be one of "
                    + Arrays.stream(values()).map(p -> p.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
        }
    }

    public double scale() {
        return scale;
    }

    public Duration duration() {
        return duration;
    }

    /** Concurrent planners (closed). */
    public int planners() {
        return planners;
    }

    /** New vendor-browsing sessions per second (open). */
    public double vendorSessionsPerSecond() {
        return vendorSessionsPerSecond;
    }

    /** New mobile app sessions per second (open). */
    public double mobileSessionsPerSecond() {
        return mobileSessionsPerSecond;
    }

    /** Concurrent analysts (closed). */
    public int analysts() {
        return analysts;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
