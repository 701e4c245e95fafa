package dev.perfgate.sut.monitor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A terminal monitor: follows a service's {@code /api/performance/metrics/stream} and redraws one table per event
 * (requests per second and exact percentiles per route over the last interval, pools, cache hits, slow statements).
 * It reconnects after the server's {@code retry} delay with {@code Last-Event-ID}, so a restarted service is picked
 * up again without a restart of the monitor.
 *
 * <p>{@code java -jar system-under-test.jar monitor [http://host:port] [--interval-ms N] [--once]}
 */
public final class Monitor {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CLEAR = "\033[H\033[2J";
    private static final int ROUTES_SHOWN = 15;

    private final URI base;
    private final int intervalMs;
    private final PrintStream out;
    private final boolean redraw;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param redraw clear the screen before each table (a terminal); otherwise tables are printed one after another
     */
    public Monitor(URI base, int intervalMs, PrintStream out, boolean redraw) {
        this.base = base;
        this.intervalMs = intervalMs;
        this.out = out;
        this.redraw = redraw;
    }

    /** Runs the command; returns the exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err) throws InterruptedException {
        String url = "http://127.0.0.1:8080";
        int interval = 2000;
        boolean once = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--once")) {
                once = true;
            } else if (a.equals("--interval-ms") && i + 1 < args.size() && args.get(i + 1).matches("\\d{3,5}")) {
                interval = Integer.parseInt(args.get(++i));
            } else if (a.startsWith("http://") || a.startsWith("https://")) {
                url = a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
            } else {
                err.println("usage: monitor [http://host:port] [--interval-ms 100..60000] [--once]\n"
                        + "unexpected argument: " + a);
                return 2;
            }
        }
        Monitor m = new Monitor(URI.create(url), interval, out, !once && System.console() != null);
        return m.follow(once ? 1 : Long.MAX_VALUE, err);
    }

    /** Draws {@code frames} tables, reconnecting whenever the stream drops; returns 0, or 1 if it never connected. */
    public int follow(long frames, PrintStream err) throws InterruptedException {
        long drawn = 0;
        String lastId = null;
        long retryMs = 2000;
        boolean connectedOnce = false;
        while (drawn < frames) {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(
                    "/api/performance/metrics/stream?intervalMs=" + intervalMs)).header("Accept", "text/event-stream");
            if (lastId != null) {
                request.header("Last-Event-ID", lastId);
            }
            try {
                HttpResponse<InputStream> response = client.send(request.build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() != 200) {
                    err.println("monitor: " + base + " answered " + response.statusCode() + ": "
                            + new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
                    return 1;
                }
                connectedOnce = true;
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                        StandardCharsets.UTF_8))) {
                    String event = null;
                    for (String line; drawn < frames && (line = lines.readLine()) != null; ) {
                        if (line.startsWith("retry: ")) {
                            retryMs = Long.parseLong(line.substring(7).strip());
                        } else if (line.startsWith("id: ")) {
                            lastId = line.substring(4);
                        } else if (line.startsWith("event: ")) {
                            event = line.substring(7);
                        } else if (line.startsWith("data: ") && "metrics".equals(event)) {
                            out.print((redraw ? CLEAR : "") + render(MAPPER.readTree(line.substring(6))));
                            out.flush();
                            drawn++;
                        } else if (line.isEmpty()) {
                            event = null;
                        }
                    }
                }
            } catch (IOException e) {
                if (!connectedOnce && frames == 1) {
                    err.println("monitor: cannot reach " + base + ": " + e.getMessage());
                    return 1;
                }
                err.println("monitor: stream lost (" + e.getMessage() + "), retrying in " + retryMs + " ms");
            }
            if (drawn < frames) {
                Thread.sleep(retryMs);
            }
        }
        return 0;
    }

    /** Renders one summary as a table. */
    public String render(JsonNode s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "perfgate monitor  %s  %s  (last %.1f s)%n", base,
                s.path("at").asText(), s.path("intervalSeconds").asDouble()));
        JsonNode cache = s.path("cache");
        String hits = !cache.path("enabled").asBoolean() ? "off"
                : cache.path("hitRatio").isNull() ? "no lookups"
                : String.format(Locale.ROOT, "%.1f%% of %,d", 100 * cache.path("hitRatio").asDouble(),
                        cache.path("lookups").asLong());
        b.append(String.format(Locale.ROOT, "requests %.1f/s   cache hits %s   rate-limited %d   slow statements %d"
                        + "   heap %d MB%n", s.path("perSecond").asDouble(), hits, s.path("rateLimited").asLong(),
                s.path("slowStatements").path("new").asLong(), s.path("heapUsedBytes").asLong() >> 20));
        b.append("pools   ");
        for (String pool : List.of("write", "read")) {
            JsonNode p = s.path("pools").path(pool);
            b.append(String.format(Locale.ROOT, "%s %d/%d active, %d waiting   ", pool, p.path("active").asInt(),
                    p.path("max").asInt(), p.path("waiting").asInt()));
        }
        b.append(String.format("%n%n%-44s %8s %8s %8s %8s %8s %5s %5s%n", "route", "req/s", "p50 ms", "p95 ms",
                "p99 ms", "max ms", "4xx", "5xx"));
        int shown = 0;
        for (JsonNode e : s.path("endpoints")) {
            if (shown++ == ROUTES_SHOWN) {
                b.append(String.format("  ... %d more routes%n", s.path("endpoints").size() - ROUTES_SHOWN));
                break;
            }
            String route = e.path("route").asText();
            b.append(String.format(Locale.ROOT, "%-44s %8.1f %8.2f %8.2f %8.2f %8.2f %5d %5d%n",
                    route.length() > 44 ? route.substring(0, 41) + "..." : route, e.path("perSecond").asDouble(),
                    e.path("p50Ms").asDouble(), e.path("p95Ms").asDouble(), e.path("p99Ms").asDouble(),
                    e.path("maxMs").asDouble(), e.path("clientErrors").asLong(), e.path("errors").asLong()));
        }
        if (shown == 0) {
            b.append("(no requests in this interval)").append(System.lineSeparator());
        }
        JsonNode latest = s.path("slowStatements").path("latest");
        if (!latest.isEmpty()) {
            b.append(System.lineSeparator()).append("latest slow statements").append(System.lineSeparator());
            for (JsonNode l : latest) {
                String fp = l.path("fingerprint").asText();
                b.append(String.format(Locale.ROOT, "  %8.1f ms  %-36s %s%n", l.path("durationMs").asDouble(),
                        l.path("route").asText(), fp.length() > 70 ? fp.substring(0, 67) + "..." : fp));
            }
        }
        return b.toString();
    }
}
