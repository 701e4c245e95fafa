package dev.perfgate.bench;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import dev.perfgate.sut.metrics.EndpointStats;

/**
 * What every request pays for its metrics: {@link EndpointStats.Route#record} (exact HdrHistogram recorder, counters
 * and a Micrometer timer) beside the raw HdrHistogram {@link Recorder} it builds on, in the same run.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar EndpointStatsBenchmark -rf json -rff endpoint-stats.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class EndpointStatsBenchmark {
    private EndpointStats.Route route;
    private Recorder raw;

    @Setup
    public void setUp() {
        route = new EndpointStats(new SimpleMeterRegistry()).route("GET", "/api/clients/{id}");
        raw = new Recorder(600_000_000L, 3);
    }

    /** Returns a plausible request duration in nanoseconds (0.2 to 20 ms). */
    private static long duration() {
        return 200_000L + ThreadLocalRandom.current().nextLong(20_000_000L);
    }

    @Benchmark
    public void routeRecord() {
        route.record(200, duration());
    }

    /** What Routes does per request since it keeps each route's slowest requests: record, then offer. */
    @Benchmark
    public void routeRecordAndSlowest() {
        long nanos = duration();
        route.record(200, nanos);
        route.offerSlowest("req-1", 200, nanos);
    }

    @Benchmark
    public void rawHdrRecorder() {
        raw.recordValue(duration() / 1000);
    }
}
