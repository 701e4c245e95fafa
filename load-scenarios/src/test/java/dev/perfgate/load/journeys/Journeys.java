package dev.perfgate.load.journeys;

import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.randomSwitch;

import java.time.Duration;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Choice;

import dev.perfgate.load.endpoints.Api;
import dev.perfgate.load.harness.Feeds;

/**
 * What people do in a session, from how planners, couples and analysts use a wedding-planning product: each
 * journey is one visit, with think times between pages. Think times are short in the smoke profile so that a few
 * seconds exercise every step.
 */
public final class Journeys {
    private final Api api;
    private final Feeds feeds;
    private final Duration thinkMin;
    private final Duration thinkMax;

    public Journeys(Api api, Feeds feeds, Duration thinkMin, Duration thinkMax) {
        this.api = api;
        this.feeds = feeds;
        this.thinkMin = thinkMin;
        this.thinkMax = thinkMax;
    }

    private ChainBuilder think() {
        return exec(pause(thinkMin, thinkMax));
    }

    /**
     * A planner's working session: the couples in planning, the next page, one couple's detail, budget and
     * timeline; adds a task, adjusts a budget line, ticks off a task, sometimes books a vendor or takes on a new
     * couple.
     */
    public ChainBuilder weddingPlanning() {
        return feed(feeds.clients())
                .exec(api.clientsList()).exec(think())
                .exec(doIf(session -> Api.hasCursor(session, "nextCursor")).then(api.clientsNextPage()))
                .exec(api.clientDetail()).exec(think())
                .exec(api.clientBudget())
                .exec(api.clientTimeline()).exec(think())
                .exec(api.addTask())
                .feed(feeds.budgetItems()).exec(api.updateBudgetItem()).exec(think())
                .feed(feeds.tasks()).exec(api.completeTask())
                .exec(randomSwitch().on(
                        new Choice.WithWeight(30.0, feed(feeds.vendors()).exec(api.bookVendor())),
                        new Choice.WithWeight(10.0, exec(api.createClient()))));
    }

    /** A couple browsing the marketplace: a filtered search, the next page, a vendor's page, sometimes a booking. */
    public ChainBuilder vendorManagement() {
        return feed(feeds.vendorQueries())
                .exec(api.vendorSearch()).exec(think())
                .exec(doIf(session -> Api.hasCursor(session, "vendorCursor")).then(api.vendorSearchNextPage()))
                .feed(feeds.vendors()).exec(api.vendorDetail()).exec(think())
                .exec(randomSwitch().on(new Choice.WithWeight(20.0, feed(feeds.clients()).exec(api.bookVendor()))));
    }

    /**
     * The planner's phone: polls notifications, revalidates a couple's page (conditional GET), checks pending RSVPs
     * and ticks off a task — small payloads, compressed when the service offers it.
     */
    public ChainBuilder mobileUsage() {
        return feed(feeds.users())
                .exec(api.notifications()).exec(think())
                .feed(feeds.clients()).exec(api.clientDetail())
                .exec(api.clientDetail()).exec(think())
                .exec(api.clientGuests())
                .exec(api.notifications())
                .feed(feeds.tasks()).exec(api.completeTask());
    }

    /** An analyst's review: the dashboard, vendor analytics, a deeper page of the couples list. */
    public ChainBuilder analyticsDashboard() {
        return feed(feeds.orgs())
                .exec(api.analyticsDashboard()).exec(think())
                .exec(api.vendorAnalytics()).exec(think())
                .exec(api.clientsOffsetPage());
    }

    /** A load balancer's health probe. */
    public ChainBuilder monitor() {
        return api.health();
    }
}
