package dev.perfgate.sut.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import dev.perfgate.sut.contract.ApiException;

/**
 * The browser monitor: one HTML page, its script and its stylesheet, read from the jar once. The page follows
 * {@code /api/performance/metrics/stream} with EventSource. Script and styles are separate files so that the page's
 * Content-Security-Policy can forbid every inline script and style.
 */
public final class MonitorPage {
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "monitor.js", "text/javascript; charset=utf-8",
            "monitor.css", "text/css; charset=utf-8");

    private final Map<String, ApiResponse.Raw> files;

    public MonitorPage() {
        java.util.HashMap<String, ApiResponse.Raw> loaded = new java.util.HashMap<>();
        FILES.forEach((name, type) -> loaded.put(name, new ApiResponse.Raw(type, read(name))));
        this.files = Map.copyOf(loaded);
    }

    private static byte[] read(String name) {
        try (InputStream in = MonitorPage.class.getResourceAsStream("/monitor/" + name)) {
            if (in == null) {
                throw new IllegalStateException("monitor/" + name + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers the routes. */
    public void register(Routes routes) {
        routes.get("/monitor", r -> {
            r.allowParams();
            return new ApiResponse(200, files.get("index.html"), Map.of());
        }).get("/monitor/{file}", r -> {
            r.allowParams();
            String name = r.pathText("file");
            ApiResponse.Raw file = name.equals("index.html") ? null : files.get(name);
            if (file == null) {
                throw new ApiException(404, "not_found", "no monitor file " + name + "; the page is /monitor", null);
            }
            return new ApiResponse(200, file, Map.of());
        });
    }
}
