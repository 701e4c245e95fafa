package dev.perfgate.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import dev.perfgate.sut.Sut;
import dev.perfgate.sut.SutConfig;

/**
 * Real response bodies: the service started on embedded PostgreSQL and Redis at a small scale, asked over HTTP for
 * a vendor search page of 100, an organization's dashboard and a couple's detail (naive mode, so the bytes are
 * the database path's). Shared by the codec and compression benchmarks, which must measure on what the cache stores.
 */
final class Payloads {
    static final String[] NAMES = {"vendor-search-100", "dashboard", "client-detail"};

    private Payloads() {
    }

    /** Starts the service, fetches the payloads and stops it again. */
    static Map<String, byte[]> fetch() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SUT_PORT", "0");
        env.put("SUT_SCALE", "0.05");
        env.put("SUT_REDIS_URL", "none");
        env.put("SUT_ADMIN_TOKEN", "benchmark-admin-token-0123");
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Sut sut = Sut.start(SutConfig.from(env, new Properties()))) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + sut.port();
            String[] paths = {"/api/vendors?size=100&sort=-rating", "/api/analytics/dashboard?org=1", "/api/clients/1"};
            for (int i = 0; i < paths.length; i++) {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + paths[i]))
                        .header("X-Perf-Mode", "naive").build(), HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(paths[i] + " answered " + r.statusCode());
                }
                out.put(NAMES[i], r.body());
            }
        }
        return out;
    }
}
