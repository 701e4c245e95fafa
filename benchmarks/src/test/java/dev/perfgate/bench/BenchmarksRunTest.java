package dev.perfgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * A tiny run of every benchmark class (in this JVM, no warm-up, one 100 ms iteration): proves each one sets up its
 * embedded servers, runs every method and tears down. Measures nothing; the figures come from RunAll.
 */
class BenchmarksRunTest {

    @ParameterizedTest
    @ValueSource(strings = {"EndpointStatsBenchmark", "QueryInterceptionBenchmark", "CacheBenchmark", "CodecBenchmark",
            "CompressionBenchmark", "QueryPatternsBenchmark", "PoolBenchmark", "PlanAnalyzerBenchmark",
            "SerializationBenchmark", "RateLimitBenchmark"})
    void everyBenchmarkRuns(String benchmark) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("dev\\.perfgate\\.bench\\." + benchmark + "\\.")
                .forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(100))
                .shouldFailOnError(true);
        if (benchmark.equals("CodecBenchmark") || benchmark.equals("CompressionBenchmark")) {
            options.param("payload", "client-detail"); // one real payload is enough to prove it runs
        }
        if (benchmark.equals("CompressionBenchmark")) {
            options.param("algorithm", "deflate-1", "lz4", "zstd-1", "br-4", "http-gzip");
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        assertThat(results).isNotEmpty();
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getScore()).as(r.getParams()
                .getBenchmark()).isPositive());
    }
}
