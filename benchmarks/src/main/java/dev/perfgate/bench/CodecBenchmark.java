package dev.perfgate.bench;

import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.perfgate.sut.contract.Json;

/**
 * The cache's L2 encoding (Smile with its header, deflated from 1 KB) beside plain Jackson JSON, on real response
 * bodies of the service: encode and decode of each. Compare {@code codecEncode} with {@code jsonEncode} (what the
 * cache adds over writing the JSON) and {@code codecDecode} with {@code jsonDecode} (an L2 hit's decoding cost).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CodecBenchmark -rf json -rff codec.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {
    @Param({"vendor-search-100", "dashboard", "client-detail"})
    public String payload;

    private final Codec codec = new Codec(1024);
    private JsonNode tree;
    private byte[] json;
    private byte[] encoded;

    @Setup(Level.Trial)
    public void load() throws Exception {
        json = Payloads.fetch().get(payload);
        tree = Json.MAPPER.readTree(json);
        encoded = codec.encode(stored());
        System.out.printf("%n%s: JSON %,d bytes, cache encoding %,d bytes (%.2fx smaller)%n", payload, json.length,
                encoded.length, (double) json.length / encoded.length);
    }

    private Codec.Stored stored() {
        return new Codec.Stored(tree, false, Long.MAX_VALUE, new String[] {"client:1", "all"}, new long[] {3, 0});
    }

    @Benchmark
    public byte[] jsonEncode() throws Exception {
        return Json.MAPPER.writeValueAsBytes(tree);
    }

    @Benchmark
    public byte[] codecEncode() {
        return codec.encode(stored());
    }

    @Benchmark
    public JsonNode jsonDecode() throws Exception {
        return Json.MAPPER.readTree(json);
    }

    @Benchmark
    public Object codecDecode() {
        return codec.decode(encoded).value();
    }
}
