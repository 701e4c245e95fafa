package dev.perfgate.load.harness;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Feeder data drawn from the service under test through its own API, so the same scenarios work against the
 * embedded service and against any deployment given with {@code -Dtarget}: organizations and their couples,
 * vendors with their categories and cities, planners with an inbox, budget items and tasks. Discovery walks every
 * read endpoint, which also warms the service's JIT and caches before measurement starts.
 */
public final class Feeds {
    private final List<Map<String, Object>> clients = new ArrayList<>();
    private final List<Map<String, Object>> orgs = new ArrayList<>();
    private final List<Map<String, Object>> vendors = new ArrayList<>();
    private final List<Map<String, Object>> vendorQueries = new ArrayList<>();
    private final List<Map<String, Object>> users = new ArrayList<>();
    private final List<Map<String, Object>> budgetItems = new ArrayList<>();
    private final List<Map<String, Object>> tasks = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(20261122L);
    private ServiceClient service;

    /** Discovers the data behind the feeders and warms every read endpoint. */
    public synchronized void discover(URI baseUrl) {
        this.service = new ServiceClient(baseUrl);
        for (int org = 1; org <= 40 && orgs.size() < 12; org++) {
            JsonNode page = get("/api/clients?org=" + org + "&size=100&sort=-weddingDate");
            if (page == null) {
                continue;
            }
            orgs.add(Map.of("orgId", org));
            for (JsonNode c : page.path("items")) {
                clients.add(Map.of("clientId", c.path("id").asLong(), "orgId", org));
            }
            get("/api/analytics/dashboard?org=" + org);
            get("/api/analytics/vendors?org=" + org);
        }
        JsonNode popular = get("/api/vendors?size=100&sort=-reviewCount");
        if (popular != null) {
            for (JsonNode v : popular.path("items")) {
                vendors.add(Map.of("vendorId", v.path("id").asLong()));
                vendorQueries.add(Map.of("category", v.path("category").asText(),
                        "city", v.path("city").asText().replace(" ", "%20")));
            }
        }
        for (int user = 1; user <= 80 && users.size() < 30; user++) {
            if (get("/api/notifications?user=" + user + "&size=5") != null) {
                users.add(Map.of("userId", user));
            }
        }
        for (int i = 0; i < clients.size() && i < 60; i += 2) {
            Object id = clients.get(i).get("clientId");
            JsonNode budget = get("/api/clients/" + id + "/budget");
            if (budget != null) {
                for (JsonNode item : budget.path("items")) {
                    budgetItems.add(Map.of("itemId", item.path("id").asLong(), "category", item.path("category").asText(),
                            "estimated", item.path("estimated").decimalValue().toPlainString(),
                            "actual", item.path("actual").decimalValue().toPlainString()));
                }
            }
            JsonNode timeline = get("/api/clients/" + id + "/timeline?size=100");
            if (timeline != null) {
                for (JsonNode e : timeline.path("items")) {
                    if (e.path("type").asText().equals("task")) {
                        tasks.add(Map.of("taskId", e.path("id").asLong()));
                    }
                }
            }
            get("/api/clients/" + id);
            get("/api/clients/" + id + "/guests?size=50");
        }
        for (Map<String, Object> v : vendors.subList(0, Math.min(30, vendors.size()))) {
            get("/api/vendors/" + v.get("vendorId"));
        }
        require("organizations with couples", orgs);
        require("couples", clients);
        require("vendors", vendors);
        require("planners with notifications", users);
        require("budget items", budgetItems);
        require("tasks", tasks);
    }

    private static void require(String what, List<?> found) {
        if (found.isEmpty()) {
            throw new IllegalStateException("the service under test has no " + what + "; is it a seeded perfgate service?");
        }
    }

    private JsonNode get(String path) {
        return service.get(path);
    }

    /** Returns an endless feeder drawing uniformly from the records (seeded: the same draws every run). */
    private Supplier<Iterator<Map<String, Object>>> feeder(List<Map<String, Object>> records) {
        return () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Map<String, Object> next() {
                synchronized (Feeds.this) {
                    return records.get(random.nextInt(records.size()));
                }
            }
        };
    }

    public Supplier<Iterator<Map<String, Object>>> clients() {
        return feeder(clients);
    }

    public Supplier<Iterator<Map<String, Object>>> orgs() {
        return feeder(orgs);
    }

    public Supplier<Iterator<Map<String, Object>>> vendors() {
        return feeder(vendors);
    }

    public Supplier<Iterator<Map<String, Object>>> vendorQueries() {
        return feeder(vendorQueries);
    }

    public Supplier<Iterator<Map<String, Object>>> users() {
        return feeder(users);
    }

    public Supplier<Iterator<Map<String, Object>>> budgetItems() {
        return feeder(budgetItems);
    }

    public Supplier<Iterator<Map<String, Object>>> tasks() {
        return feeder(tasks);
    }
}
