package dev.perfgate.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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

import dev.perfgate.sut.http.RateLimiter;
import dev.perfgate.sut.http.ResponseEncoding;

/**
 * What every request pays before its endpoint runs: the rate limiter's check (find the client's bucket in a Caffeine
 * map, take a token, count it) beside a raw Bucket4j {@code tryConsumeAndReturnRemaining} on a bucket already at
 * hand, each two ways: for one client (one bucket, which stays in the processor's cache) and for one of 1,000 clients
 * picked at random (the same memory to touch on both sides: Bucket4j replaces a bucket's state on every take, so a
 * bucket not touched lately is out of the cache). And choosing a response coding from a browser's
 * {@code Accept-Encoding}. Limits are set so high that no bucket ever empties: the cost of the allowed path is what is
 * measured.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RateLimitBenchmark -rf json -rff rate-limit.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class RateLimitBenchmark {
    private static final int CLIENTS = 1000;
    private RateLimiter limiter;
    private Bucket raw;
    /** As many raw buckets as the limiter has clients, picked at random: the memory the limiter's lookups touch. */
    private Bucket[] rawMany;
    private String[] addresses;
    private ResponseEncoding encoding;

    @Setup
    public void setUp() {
        // the service's clock, which is also the raw buckets' (Bucket4j's default)
        limiter = new RateLimiter(RateLimiter.parseTiers("anonymous=1000000/s:1000000"), Map.of(),
                TimeMeter.SYSTEM_MILLISECONDS, new SimpleMeterRegistry());
        raw = Bucket.builder().addLimit(Bandwidth.builder().capacity(1_000_000)
                .refillGreedy(1_000_000, Duration.ofSeconds(1)).build()).build();
        rawMany = new Bucket[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            rawMany[i] = Bucket.builder().addLimit(Bandwidth.builder().capacity(1_000_000)
                    .refillGreedy(1_000_000, Duration.ofSeconds(1)).build()).build();
        }
        addresses = new String[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            addresses[i] = "10.0." + (i / 256) + "." + (i % 256);
        }
        encoding = new ResponseEncoding(java.util.List.of(ResponseEncoding.Coding.values()), 1024);
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public RateLimiter.Decision limiterCheck() {
        return limiter.check(null, addresses[ThreadLocalRandom.current().nextInt(CLIENTS)]);
    }

    /** The limiter for one client, whose bucket stays in the processor's cache: like for like with {@link #rawBucket4j}. */
    @Benchmark
    @Fork(Forks.RATIO)
    public RateLimiter.Decision limiterCheckOneClient() {
        return limiter.check(null, addresses[0]);
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public ConsumptionProbe rawBucket4j() {
        return raw.tryConsumeAndReturnRemaining(1);
    }

    @Benchmark
    @Fork(Forks.RATIO)
    public ConsumptionProbe rawBucket4jAmong1000() {
        return rawMany[ThreadLocalRandom.current().nextInt(CLIENTS)].tryConsumeAndReturnRemaining(1);
    }

    @Benchmark
    public ResponseEncoding.Coding chooseCoding() {
        return encoding.choose("gzip, deflate, br, zstd");
    }
}
