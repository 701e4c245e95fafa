package dev.perfgate.sut.cache;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How one kind of data is cached: L1 bound (entries, or bytes of encoded value for a hard memory cap) and time to
 * live, L2 time to live, TTL jitter (a fraction: each entry lives {@code ttl × (1 − jitter × random)} so that keys
 * loaded together do not expire together), and the time a "does not exist" answer is remembered.
 *
 * <p>Written in configuration ({@code SUT_CACHE_STRATEGIES}) as {@code name:l1=50000/60s,l2=300s[,jitter=0.1]
 * [,negative=10s]}, strategies separated by {@code ;}; {@code l1=64MB/60s} bounds by bytes instead of entries.
 */
public record CacheStrategy(String name, long l1MaxEntries, long l1MaxBytes, Duration l1Ttl, Duration l2Ttl,
                            double jitter, Duration negativeTtl) {
    public static final String DEFAULTS = "high-traffic:l1=50000/60s,l2=300s;standard:l1=20000/30s,l2=120s;"
            + "analytics:l1=2000/10s,l2=900s";
    private static final Pattern ONE = Pattern.compile(
            "([a-z][a-z0-9-]*):l1=(\\d+)(MB)?/(\\d+)(ms|s|m),l2=(\\d+)(ms|s|m)(?:,jitter=(0(?:\\.\\d+)?))?"
                    + "(?:,negative=(\\d+)(ms|s|m))?");

    /** Parses a configuration value; the message of the exception says what is wrong. */
    public static Map<String, CacheStrategy> parse(String spec) {
        Map<String, CacheStrategy> out = new LinkedHashMap<>();
        for (String part : spec.split(";")) {
            String s = part.strip();
            if (s.isEmpty()) {
                continue;
            }
            Matcher m = ONE.matcher(s);
            if (!m.matches()) {
                throw new IllegalArgumentException("strategy \"" + s + "\" must look like"
                        + " name:l1=<entries or N MB>/<ttl>,l2=<ttl>[,jitter=0.1][,negative=10s] (ttl in ms, s or m)");
            }
            long bound = Long.parseLong(m.group(2));
            boolean bytes = m.group(3) != null;
            Duration l1 = duration(m.group(4), m.group(5));
            Duration l2 = duration(m.group(6), m.group(7));
            double jitter = m.group(8) == null ? 0.1 : Double.parseDouble(m.group(8));
            Duration negative = m.group(9) == null ? Duration.ofSeconds(10) : duration(m.group(9), m.group(10));
            if (bound < 1 || l1.isZero() || l2.isZero() || negative.isZero() || jitter >= 0.5) {
                throw new IllegalArgumentException("strategy \"" + s + "\" needs a bound of at least 1, TTLs above 0"
                        + " and jitter below 0.5");
            }
            if (out.put(m.group(1), new CacheStrategy(m.group(1), bytes ? 0 : bound, bytes ? bound << 20 : 0, l1, l2,
                    jitter, negative)) != null) {
                throw new IllegalArgumentException("strategy \"" + m.group(1) + "\" is defined twice");
            }
        }
        for (String needed : new String[] {"high-traffic", "standard", "analytics"}) {
            if (!out.containsKey(needed)) {
                throw new IllegalArgumentException("strategy \"" + needed + "\" is missing (the service's caches use"
                        + " high-traffic, standard and analytics)");
            }
        }
        return out;
    }

    /** Returns how long L1 keeps an entry before jitter: a remembered 404 lives its own, shorter time. */
    Duration l1Lifetime(boolean negative) {
        return negative ? negativeTtl : l1Ttl;
    }

    /** Returns how long L2 keeps an entry before jitter, as {@link #l1Lifetime} does for L1. */
    Duration l2Lifetime(boolean negative) {
        return negative ? negativeTtl : l2Ttl;
    }

    /** Returns a lifetime in nanoseconds with this strategy's jitter applied: {@code ttl × (1 − jitter × random)}. */
    long jitteredNanos(Duration ttl) {
        return (long) (ttl.toNanos() * (1 - jitter * ThreadLocalRandom.current().nextDouble()));
    }

    private static Duration duration(String amount, String unit) {
        long n = Long.parseLong(amount);
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
    }
}
