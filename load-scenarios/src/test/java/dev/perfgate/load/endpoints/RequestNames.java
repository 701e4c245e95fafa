package dev.perfgate.load.endpoints;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which request each name stands for. A name stands for exactly one request — method and URL template — because
 * budgets, baselines, report rows and the gate's comparison are keyed by it: two requests under one name would mix
 * two distributions into one row and compare one run's mix with another's. Every simulation defines its requests
 * while it is built, so a second request under a taken name stops it before any load.
 */
final class RequestNames {
    private final Map<String, String> requests = new ConcurrentHashMap<>();

    /** Records that the name stands for this request; the same request again is fine, another one is an error. */
    void register(String name, String method, String url) {
        String request = method + " " + url;
        String before = requests.putIfAbsent(name, request);
        if (before != null && !before.equals(request)) {
            throw new IllegalStateException("request name \"" + name + "\" was given to two requests, " + before
                    + " and " + request + "; each request needs a name of its own (budgets, baselines and report"
                    + " rows are keyed by it)");
        }
    }

    /** Returns each name with the request it stands for. */
    Map<String, String> all() {
        return Map.copyOf(requests);
    }
}
