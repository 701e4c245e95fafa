package dev.perfgate.harness;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

import dev.perfgate.reports.Quantiles;
import dev.perfgate.reports.RequestStats;

/**
 * What the samples of a request name add up to: made from this JVM's samples, or from the counts and interval
 * histograms of several injectors' shares added together ({@link InjectorMerge}) — the same stats either way.
 */
final class AnswerSummary {
    final Histogram latency = new Histogram(ExactResults.HIGHEST_MS, 3);
    final Histogram server = new Histogram(ExactResults.HIGHEST_MICROS, 3);
    final Histogram gapMicros = new Histogram(ExactResults.HIGHEST_MICROS, 3);
    final Map<String, Long> errors = new TreeMap<>();
    long attempts;
    long received;
    long ok;
    long stalled;
    long statements;
    long statementResponses;
    long statementsMax = -1;

    /** Adds another summary of the same request: HdrHistograms of one configuration add without loss. */
    void add(AnswerSummary o) {
        latency.add(o.latency);
        server.add(o.server);
        gapMicros.add(o.gapMicros);
        addCounts(o);
    }

    /** Adds another summary's counts only (an injector's totals: its histograms go to the interval log). */
    void addCounts(AnswerSummary o) {
        o.errors.forEach((cause, n) -> errors.merge(cause, n, Long::sum));
        attempts += o.attempts;
        received += o.received;
        ok += o.ok;
        stalled += o.stalled;
        statements += o.statements;
        statementResponses += o.statementResponses;
        statementsMax = Math.max(statementsMax, o.statementsMax);
    }

    void clear() {
        latency.reset();
        server.reset();
        gapMicros.reset();
        errors.clear();
        attempts = received = ok = stalled = statements = statementResponses = 0;
        statementsMax = -1;
    }

    /** Returns the counts as an injector's share file keeps them (its histograms go to the interval log). */
    InjectorShare.Counts counts(String name) {
        return new InjectorShare.Counts(name, attempts, received, ok, new TreeMap<>(errors), stalled, statements,
                statementResponses, statementsMax);
    }

    /** Returns a summary with these counts and empty histograms, to add a share's intervals to. */
    static AnswerSummary of(InjectorShare.Counts c) {
        AnswerSummary s = new AnswerSummary();
        s.attempts = c.attempts();
        s.received = c.received();
        s.ok = c.ok();
        s.errors.putAll(c.errors());
        s.stalled = c.stalled();
        s.statements = c.statements();
        s.statementResponses = c.statementResponses();
        s.statementsMax = c.statementsMax();
        return s;
    }

    /** Adds an interval histogram of the kind its tag names ({@link InjectorShare#tags}). */
    void addInterval(char kind, Histogram h) {
        switch (kind) {
            case 'c' -> latency.add(h);
            case 's' -> server.add(h);
            case 'g' -> gapMicros.add(h);
            default -> throw new IllegalArgumentException("unknown interval kind " + kind);
        }
    }

    RequestStats toStats(String name, String tier, double seconds) {
        long noResponse = Math.max(0, attempts - received);
        Map<String, Long> causes = new LinkedHashMap<>(errors);
        if (noResponse > 0) {
            causes.put("no_response", noResponse);
        }
        long count = received + noResponse;
        Histogram h = latency;
        boolean any = h.getTotalCount() > 0;
        RequestStats.ServerTime serverTime = server.getTotalCount() == 0 ? null : new RequestStats.ServerTime(
                server.getTotalCount(), ms(server, 50), ms(server, 95), ms(server, 99),
                server.getMaxValue() / 1000.0, ms(gapMicros, 50), ms(gapMicros, 99), gapMicros.getMaxValue() / 1000.0,
                Quantiles.encode(server));
        return new RequestStats(name, tier, count, ok, count - ok, causes, any ? h.getMinValue() : 0, pct(50),
                pct(75), pct(95), pct(99), pct(99.9), any ? h.getMaxValue() : 0,
                any ? Math.round(h.getMean() * 100) / 100.0 : 0, count / Math.max(seconds, 0.001),
                statementResponses == 0 ? -1 : Math.round(100.0 * statements / statementResponses) / 100.0,
                statementsMax, any ? Quantiles.encode(h) : null, serverTime, stalled);
    }

    private static double ms(Histogram micros, double percentile) {
        return Math.round(micros.getValueAtPercentile(percentile)) / 1000.0;
    }

    private double pct(double percentile) {
        return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile);
    }
}
