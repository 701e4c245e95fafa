package dev.perfgate.load.harness;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How much load each scenario gets. Closed scenarios (a fixed team working) are sized in concurrent users, open
 * ones (arrivals from outside) in new sessions per second; see docs/gate.md for why each is which.
 *
 * @param scale data scale of a service this harness starts itself
 */
public enum Profile {
    /** Seconds per scenario, for ./mvnw verify: proves the pipeline, not the service's speed. */
    SMOKE(0.05, 2, 1.0, 2.0, 1, seconds(8), seconds(8), seconds(8), seconds(8)),
    /** The default: a minute per scenario, the whole run within 10 minutes on 2 cores. */
    CI(1.0, 10, 2.0, 5.0, 3, seconds(60), seconds(60), seconds(60), seconds(60)),
    /**
     * The performance plan: 50 planners for 5 min, 25 couples browsing for 3 min, 100 phones for 4 min, 10 analysts
     * for 2 min. The open scenarios' arrival rates give those concurrencies by Little's law (rate x session length:
     * a marketplace session lasts about 10 s, a phone session about 8 s).
     */
    FULL(1.0, 50, 2.5, 12.0, 10, minutes(5), minutes(3), minutes(4), minutes(2));

    private final double scale;
    private final int planners;
    private final double vendorSessionsPerSecond;
    private final double mobileSessionsPerSecond;
    private final int analysts;
    private final Duration planning;
    private final Duration vendors;
    private final Duration mobile;
    private final Duration analytics;

    Profile(double scale, int planners, double vendorSessionsPerSecond, double mobileSessionsPerSecond, int analysts,
            Duration planning, Duration vendors, Duration mobile, Duration analytics) {
        this.scale = scale;
        this.planners = planners;
        this.vendorSessionsPerSecond = vendorSessionsPerSecond;
        this.mobileSessionsPerSecond = mobileSessionsPerSecond;
        this.analysts = analysts;
        this.planning = planning;
        this.vendors = vendors;
        this.mobile = mobile;
        this.analytics = analytics;
    }

    private static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }

    private static Duration minutes(long m) {
        return Duration.ofMinutes(m);
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

    /** Returns how long the wedding-planning scenario runs. */
    public Duration planningDuration() {
        return planning;
    }

    /** Returns how long the vendor-management scenario runs. */
    public Duration vendorDuration() {
        return vendors;
    }

    /** Returns how long the mobile scenario runs. */
    public Duration mobileDuration() {
        return mobile;
    }

    /** Returns how long the analytics scenario runs. */
    public Duration analyticsDuration() {
        return analytics;
    }

    /** Returns the longest scenario's duration (the health monitor runs that long). */
    public Duration longest() {
        return java.util.stream.Stream.of(planning, vendors, mobile, analytics).max(Duration::compareTo).orElseThrow();
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
