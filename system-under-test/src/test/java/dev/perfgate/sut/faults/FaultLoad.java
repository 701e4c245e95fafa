package dev.perfgate.sut.faults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A closed-loop load of the service's mix while a fault is injected: half writes (a task created for a couple,
 * whose id is kept when the service acknowledges it), half reads (a couple's detail, a vendor search page; some
 * served by the cache, some by the database). Every answer is kept with its start and end on the monotonic clock, so
 * a test can ask what happened before, during and after the fault.
 */
final class FaultLoad implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] CATEGORIES = {"venue", "catering", "photography", "florist", "music"};

    /** One answer; status 0 is no answer at all (the client's 10 s timeout or a refused connection). */
    record Outcome(long startNanos, long endNanos, String what, int status, boolean jsonError, boolean retryAfter,
                   Long createdId, String error) {
        long millis() {
            return TimeUnit.NANOSECONDS.toMillis(endNanos - startNanos);
        }

        boolean write() {
            return what.startsWith("POST");
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final List<Long> clientIds;
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;

    FaultLoad(String base, List<Long> clientIds, int threads, long seed) {
        this.base = base;
        this.clientIds = clientIds;
        for (int i = 0; i < threads; i++) {
            Random random = new Random(seed + i);
            Thread t = Thread.ofPlatform().name("fault-load-" + i).daemon().start(() -> {
                int n = 0;
                while (running) {
                    outcomes.add(once(random, n++));
                }
            });
            workers.add(t);
        }
    }

    private Outcome once(Random random, int n) {
        long clientId = clientIds.get(random.nextInt(clientIds.size()));
        HttpRequest.Builder b;
        String what;
        switch (random.nextInt(4)) {
            case 0, 1 -> {
                what = "POST /api/clients/{id}/tasks";
                b = HttpRequest.newBuilder(URI.create(base + "/api/clients/" + clientId + "/tasks"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"title\":\"fault load " + n
                                + "\",\"dueDate\":\"2027-06-01\"}"));
            }
            case 2 -> {
                what = "GET /api/clients/{id}";
                b = HttpRequest.newBuilder(URI.create(base + "/api/clients/" + clientId));
            }
            default -> {
                what = "GET /api/vendors";
                b = HttpRequest.newBuilder(URI.create(base + "/api/vendors?category="
                        + CATEGORIES[random.nextInt(CATEGORIES.length)] + "&page=" + random.nextInt(3) + "&size=5"));
            }
        }
        long start = System.nanoTime();
        try {
            HttpResponse<String> r = client.send(b.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long end = System.nanoTime();
            Long id = null;
            if (r.statusCode() == 201) {
                id = MAPPER.readTree(r.body()).path("id").asLong();
            }
            boolean json = r.statusCode() < 400 || r.body().startsWith("{\"error\":");
            return new Outcome(start, end, what, r.statusCode(), json,
                    r.headers().firstValue("Retry-After").isPresent(), id,
                    r.statusCode() >= 400 ? r.body().substring(0, Math.min(300, r.body().length())) : null);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Outcome(start, System.nanoTime(), what, 0, false, false, null, e.toString());
        }
    }

    /** Stops the workers and returns every outcome, in no particular order. */
    List<Outcome> stop() throws InterruptedException {
        running = false;
        for (Thread t : workers) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        return List.copyOf(outcomes);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** The median and the largest of some latencies, in milliseconds, for the printed figures. */
    static String spread(List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return "none";
        }
        long[] ms = outcomes.stream().mapToLong(Outcome::millis).sorted().toArray();
        return "median " + ms[ms.length / 2] + " ms, max " + ms[ms.length - 1] + " ms (" + ms.length + ")";
    }
}
