package dev.perfgate.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.github.luben.zstd.Zstd;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.perfgate.sut.cache.Codec;
import dev.perfgate.sut.http.ResponseEncoding;

/**
 * Compression candidates for cache values and responses on the service's real JSON bodies: java.util.zip deflate at
 * levels 1, 6 and 9, LZ4 (lz4-java, fastest instance), zstd (zstd-jni) at levels 1 and 3, and the service's own
 * response codings as it runs them (Brotli quality 4 through brotli4j, gzip at level 1). Time per compression
 * here; each payload's compressed size per algorithm is printed at set-up (and {@link #ratios} computes it for the
 * before/after table), so that speed and ratio are read together.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CompressionBenchmark -rf json -rff compression.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CompressionBenchmark {
    @Param({"vendor-search-100", "dashboard", "client-detail"})
    public String payload;

    @Param({"deflate-1", "deflate-6", "deflate-9", "lz4", "zstd-1", "zstd-3", "br-4", "http-gzip"})
    public String algorithm;

    private byte[] json;
    private static final LZ4Compressor LZ4 = LZ4Factory.fastestInstance().fastCompressor();

    @Setup(Level.Trial)
    public void load() throws Exception {
        json = Payloads.fetch().get(payload);
        System.out.printf("%n%s with %s: %,d -> %,d bytes%n", payload, algorithm, json.length,
                compress(algorithm, json).length);
    }

    @Benchmark
    public byte[] compress() {
        return compress(algorithm, json);
    }

    static byte[] compress(String algorithm, byte[] input) {
        return switch (algorithm) {
            case "deflate-1" -> Codec.deflate(input, 1);
            case "deflate-6" -> Codec.deflate(input, 6);
            case "deflate-9" -> Codec.deflate(input, 9);
            case "lz4" -> LZ4.compress(input);
            case "zstd-1" -> Zstd.compress(input, 1);
            case "zstd-3" -> Zstd.compress(input, 3);
            // the service's response codings exactly as it runs them: Brotli quality 4 and gzip (deflate-1 framed)
            case "br-4" -> ResponseEncoding.encode(ResponseEncoding.Coding.BR, input);
            case "http-gzip" -> ResponseEncoding.encode(ResponseEncoding.Coding.GZIP, input);
            default -> throw new IllegalArgumentException("unknown algorithm " + algorithm);
        };
    }

    /** Compressed size as a fraction of the input, per algorithm, for one payload. */
    static Map<String, Double> ratios(byte[] input) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (String a : new String[] {"deflate-1", "deflate-6", "deflate-9", "lz4", "zstd-1", "zstd-3", "br-4",
                "http-gzip"}) {
            out.put(a, (double) compress(a, input).length / input.length);
        }
        return out;
    }
}
