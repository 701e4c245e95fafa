package dev.perfgate.sut.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Faults injected on purpose ({@code SUT_FAULTS}): a delay before a route's endpoint, or one extra SQL statement per
 * request. They exist so that a load test can prove its gate catches a slower route or an added query on a real
 * service, the way toxiproxy proves a client's timeouts; off by default, and a route without a fault pays nothing
 * (its handler is registered without the wrapper).
 *
 * @param byRoute the fault of each route name ("GET /api/clients/{id}/timeline")
 */
public record Faults(Map<String, Fault> byRoute) {

    /** What to do to one route's requests. */
    public record Fault(long delayMs, boolean extraStatement) {
    }

    /** Parses {@code delay@ROUTE=MS;statement@ROUTE}; empty means none. */
    public static Faults parse(String spec) {
        Map<String, Fault> out = new LinkedHashMap<>();
        for (String entry : spec.split(";")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            int at = e.indexOf('@');
            String kind = at < 0 ? "" : e.substring(0, at);
            String rest = at < 0 ? "" : e.substring(at + 1).strip();
            Fault was = null;
            switch (kind) {
                case "delay" -> {
                    int eq = rest.lastIndexOf('=');
                    long ms;
                    try {
                        ms = eq < 0 ? -1 : Long.parseLong(rest.substring(eq + 1).strip());
                    } catch (NumberFormatException x) {
                        ms = -1;
                    }
                    if (ms < 1 || ms > 60_000) {
                        throw new IllegalArgumentException("entry \"" + e + "\" must be delay@ROUTE=MS with MS from 1"
                                + " to 60000");
                    }
                    String route = route(rest.substring(0, eq), e);
                    was = out.get(route);
                    out.put(route, new Fault(ms, was != null && was.extraStatement()));
                }
                case "statement" -> {
                    String route = route(rest, e);
                    was = out.get(route);
                    out.put(route, new Fault(was == null ? 0 : was.delayMs(), true));
                }
                default -> throw new IllegalArgumentException("entry \"" + e + "\" must start with delay@ or"
                        + " statement@");
            }
        }
        return new Faults(Map.copyOf(out));
    }

    private static String route(String raw, String entry) {
        String route = raw.strip().replaceAll("\\s+", " ");
        if (!route.matches("(GET|POST|PUT|PATCH|DELETE) /\\S*")) {
            throw new IllegalArgumentException("entry \"" + entry + "\" must name a route as METHOD /path, e.g."
                    + " GET /api/clients/{id}/timeline");
        }
        return route;
    }

    /** Returns the fault of a route, or null. */
    public Fault of(String route) {
        return byRoute.get(route);
    }

    /** Fails start-up when a fault names a route the service does not have (a typo would prove nothing). */
    public void requireKnown(Set<String> routes) {
        for (String route : byRoute.keySet()) {
            if (!routes.contains(route)) {
                throw new IllegalArgumentException("SUT_FAULTS names route \"" + route + "\", which is not one of "
                        + new TreeSet<>(routes));
            }
        }
    }
}
