package com.example.shop;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small shop service on the JDK's own HTTP server, with nothing of perfgate's conventions: a product list, a
 * product page, a cart and a health probe. {@code SLOW_MS=50} in the environment slows the product page by 50 ms —
 * the regression the load test's gate must catch.
 */
public final class ShopServer implements AutoCloseable {
    private final HttpServer server;
    private final long slowMs;

    private ShopServer(HttpServer server, long slowMs) {
        this.server = server;
        this.slowMs = slowMs;
    }

    /** Starts the shop on 127.0.0.1 and the given port (0: a free one). */
    public static ShopServer start(int port) throws IOException {
        String slow = System.getenv().getOrDefault("SLOW_MS", "0");
        long slowMs;
        try {
            slowMs = Long.parseLong(slow.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SLOW_MS was \"" + slow + "\", must be a whole number of milliseconds");
        }
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 200);
        ShopServer shop = new ShopServer(http, slowMs);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/health", ex -> shop.send(ex, 200, "{\"status\":\"up\"}"));
        http.createContext("/products", shop::products);
        http.createContext("/cart", shop::cart);
        http.start();
        return shop;
    }

    /** Returns the port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void products(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (path.equals("/products")) {
            StringBuilder list = new StringBuilder("[");
            for (int id = 1; id <= 20; id++) {
                list.append(id > 1 ? "," : "").append(product(id));
            }
            send(ex, 200, list.append(']').toString());
            return;
        }
        try {
            int id = Integer.parseInt(path.substring("/products/".length()));
            if (slowMs > 0) {
                Thread.sleep(slowMs); // the injected regression
            }
            send(ex, id >= 1 && id <= 1000 ? 200 : 404, id >= 1 && id <= 1000 ? product(id)
                    : "{\"error\":\"no such product\"}");
        } catch (NumberFormatException | InterruptedException e) {
            send(ex, 400, "{\"error\":\"bad product id\"}");
        }
    }

    private void cart(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            send(ex, 405, "{\"error\":\"POST only\"}");
            return;
        }
        byte[] body = ex.getRequestBody().readAllBytes();
        send(ex, 201, "{\"items\":" + (body.length == 0 ? "[]" : new String(body, StandardCharsets.UTF_8)) + "}");
    }

    private static String product(int id) {
        return "{\"id\":" + id + ",\"name\":\"product " + id + "\",\"price\":" + (id * 7 % 100 + 0.99) + "}";
    }

    private void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    public static void main(String[] args) throws IOException {
        ShopServer shop = start(args.length > 0 ? Integer.parseInt(args[0]) : 8081);
        System.out.println("shop listening on http://127.0.0.1:" + shop.port());
    }
}
