package com.example.shop;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import dev.perfgate.harness.Perfgate;

/**
 * An ordinary Gatling simulation of shoppers (open model: they arrive at their own rate). The one perfgate line is
 * {@code Perfgate.record(...)} around the protocol; everything else is plain Gatling. The shop is started here for
 * the example's sake (a real project loads a service that is already running: {@code -Dtarget=http://host:port}).
 */
public class ShopSimulation extends Simulation {
    private static final String TARGET = System.getProperty("target", "");
    private static final ShopServer SHOP = TARGET.isEmpty() ? startShop() : null;

    HttpProtocolBuilder httpProtocol = Perfgate.record(   // ← the one line perfgate needs
            http.baseUrl(TARGET.isEmpty() ? "http://127.0.0.1:" + SHOP.port() : TARGET)
                    .acceptHeader("application/json"));

    ScenarioBuilder shoppers = scenario("shoppers")
            .exec(http("product list").get("/products").check(status().is(200)))
            .exec(session -> session.set("id", ThreadLocalRandom.current().nextInt(1, 1001)))
            .exec(http("product detail").get("/products/#{id}").check(status().is(200)))
            .exec(http("add to cart").post("/cart").body(StringBody("[#{id}]")).asJson().check(status().is(201)))
            .exec(http("health").get("/health"));

    {
        setUp(shoppers.injectOpen(constantUsersPerSec(60).during(Duration.ofSeconds(20))))
                .protocols(httpProtocol)
                .assertions(global().failedRequests().percent().lt(1.0));
    }

    private static ShopServer startShop() {
        try {
            return ShopServer.start(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void after() {
        if (SHOP != null) {
            SHOP.close();
        }
    }
}
