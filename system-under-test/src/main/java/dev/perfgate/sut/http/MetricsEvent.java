package dev.perfgate.sut.http;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.perfgate.sut.contract.PerformanceFigures;
import dev.perfgate.sut.query.QueryReport;

/**
 * One {@code event: metrics} of {@code GET /api/performance/metrics/stream}: what the service did in the interval
 * since the previous event. The terminal and browser monitors read it.
 *
 * @param at             when the interval ended
 * @param requests       requests answered in the interval, over every route
 * @param perSecond      the same per second
 * @param endpoints      each route's requests in the interval, busiest first
 * @param pools          the pools' use now
 * @param cache          the cache's lookups in the interval and the share that hit
 * @param slowStatements slow statements new in the interval and the latest few
 * @param rateLimited    requests refused by the rate limits in the interval
 * @param heapUsedBytes  heap in use now
 * @param streams        the live streams open now
 */
public record MetricsEvent(String at, double intervalSeconds, long requests, double perSecond,
                           List<PerformanceFigures.IntervalEndpoint> endpoints,
                           Map<String, PerformanceFigures.Pool> pools, Cache cache, Slow slowStatements,
                           long rateLimited, long heapUsedBytes, PerformanceFigures.Streams streams) {

    /** The cache in one interval; {@code hitRatio} is null when nothing was looked up. */
    public record Cache(boolean enabled, long lookups, Double hitRatio) {
    }

    /** Slow statements in one interval: how many were new, and the latest few without their SQL and plans. */
    public record Slow(@JsonProperty("new") long fresh, List<QueryReport.SlowStatement> latest) {
    }
}
