package dev.perfgate.load.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The harness's own calls to the service, outside the measured load: discovery, counters, reports. */
final class ServiceClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    ServiceClient(URI base) {
        this.base = base;
    }

    /** Returns the JSON body of a GET, or null when the status is not 200; fails on a transport error. */
    JsonNode get(String path) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve(path))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? MAPPER.readTree(r.body()) : null;
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + path, e);
        }
    }

    /** Returns a GET's JSON body for a results file, or {@code {"error": "..."}} saying why there is none. */
    JsonNode getForReport(String path) {
        try {
            JsonNode body = get(path);
            return body != null ? body : MAPPER.createObjectNode().put("error", "no 200 answer");
        } catch (IllegalStateException e) {
            return MAPPER.createObjectNode().put("error", e.getMessage());
        }
    }

    /** POSTs with a bearer token and no body. */
    void post(String path, String token) {
        try {
            client.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new IllegalStateException("POST " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
