package dev.perfgate.reports.history;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import dev.perfgate.reports.Quantiles;
import dev.perfgate.reports.RequestStats;
import dev.perfgate.reports.ResultFiles;
import dev.perfgate.reports.RunEnvironment;
import dev.perfgate.reports.RunResult;
import dev.perfgate.reports.ServerFigures;

/**
 * Runs made from a real result file (a PeakDaySimulation run of the reference service's ci profile, frozen as a test
 * fixture so that re-recording the committed baseline cannot move what these tests see): the same
 * requests, counts and histograms, every latency figure and histogram scaled by a run's noise and, per request, a
 * chosen factor — so the history is made of real results.json files with known changes in them.
 */
final class HistoryFixtures {
    static final Path REAL = Path.of("src/test/resources/fixtures/peakday-ci-run.json");

    private HistoryFixtures() {
    }

    static RunResult real() {
        return ResultFiles.read(REAL);
    }

    /** A run of the real result at another time and commit, each request's latencies times noise and its factor. */
    static RunResult variant(RunResult base, int run, Map<String, Double> factors, SplittableRandom noise, double cv) {
        List<RequestStats> requests = new ArrayList<>();
        for (RequestStats r : base.requests()) {
            double f = factors.getOrDefault(r.name(), 1.0) * Math.exp(cv * ChangePointsTest.gaussian(noise));
            requests.add(scaled(r, f));
        }
        RunEnvironment e = base.environment();
        String commit = commit(run) + "0".repeat(33);
        RunEnvironment env = new RunEnvironment(e.javaVersion(), e.javaVendor(), e.jvmName(), e.availableProcessors(),
                e.maxHeapBytes(), e.osName(), e.osArch(), commit, false, e.profile(), at(run));
        return new RunResult(base.simulation(), base.profile(), base.target(), at(run), base.durationSeconds(), env,
                requests, base.budgets(), ServerFigures.NONE, null, base.validity(), base.schemaVersion());
    }

    static Instant at(int run) {
        return Instant.parse("2026-11-01T00:00:00Z").plusSeconds(3600L * run);
    }

    /** The (short) commit of a run: c000031 for run 31. */
    static String commit(int run) {
        return String.format("c%06d", run);
    }

    static RequestStats scaled(RequestStats r, double f) {
        Histogram h = r.latencyHistogram();
        String encoded = null;
        if (h != null) {
            Histogram s = new Histogram(h.getNumberOfSignificantValueDigits());
            for (HistogramIterationValue v : h.recordedValues()) {
                s.recordValueWithCount(Math.max(0, Math.round(v.getValueIteratedTo() * f)), v.getCountAtValueIteratedTo());
            }
            encoded = Quantiles.encode(s);
        }
        return new RequestStats(r.name(), r.tier(), r.count(), r.ok(), r.ko(), r.errorsByCause(), r.minMs() * f,
                r.p50Ms() * f, r.p75Ms() * f, r.p95Ms() * f, r.p99Ms() * f, r.p999Ms() * f, r.maxMs() * f,
                r.meanMs() * f, r.throughputPerSecond(), r.statementsMean(), r.statementsMax(), encoded, null,
                r.injectorStalled());
    }
}
