package dev.perfgate.reports;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a run does with its committed baseline, the same for a Gatling run ({@code -Dperfgate.baseline}) and for the
 * JMH suite ({@code RunAll --baseline}): compare against it (the default), rewrite it from this run (on purpose, with
 * the reason in the commit), or leave it alone.
 */
public enum BaselinePolicy {
    /** Compare with the baseline; a run without one reports every request as NEW. */
    COMPARE,
    /** Write this run as the new baseline. */
    UPDATE,
    /** Neither compare nor write. */
    OFF;

    /** Returns the setting's value as written on a command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a setting; an unknown value stops the run before any work with a message naming the setting, the value
     * and the values allowed.
     *
     * @param setting the setting's name as the user wrote it ({@code perfgate.baseline}, {@code --baseline})
     */
    public static BaselinePolicy parse(String setting, String value) {
        for (BaselinePolicy p : values()) {
            if (p.id().equals(value.strip().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException(setting + " was \"" + value + "\", must be " + Arrays.stream(values())
                .map(BaselinePolicy::id).collect(Collectors.joining(", ")));
    }
}
