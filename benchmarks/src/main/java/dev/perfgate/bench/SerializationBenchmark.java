package dev.perfgate.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.perfgate.sut.contract.Json;
import dev.perfgate.sut.domain.Page;
import dev.perfgate.sut.domain.Vendors;

/**
 * Writing a typical list response — a vendor search page of 100 as the service answers it — with Jackson databind
 * through the service's configured mapper (what every endpoint does) beside a hand-written Jackson streaming
 * writer producing the same bytes. The gap is what reflection-driven serialization costs per response.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar SerializationBenchmark -rf json -rff serialization.json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SerializationBenchmark {
    private Page.AfterCursor<Vendors.Vendor> page;
    private List<Vendors.Vendor> items;

    @Setup(Level.Trial)
    public void build() throws IOException {
        items = new ArrayList<>();
        OffsetDateTime t = OffsetDateTime.of(2025, 3, 1, 9, 30, 0, 0, ZoneOffset.UTC);
        for (int i = 1; i <= 100; i++) {
            items.add(new Vendors.Vendor(i, "Vendor " + i + " Studio", "photography", "Austin", 1 + i % 4,
                    new BigDecimal("4.").add(BigDecimal.valueOf(i % 100, 2)), 10 + i, "vendor" + i + "@example.com",
                    t.plusHours(i)));
        }
        page = new Page.AfterCursor<>(items, 100, "-rating", true,
                "eyJzb3J0IjoiLXJhdGluZyIsInZhbHVlIjoiNC45OSIsImlkIjo5OSwicG9zaXRpb24iOjEwMH0");
        if (!new String(databind()).equals(new String(streaming()))) {
            throw new IllegalStateException("the streaming writer must produce the databind bytes");
        }
    }

    @Benchmark
    public byte[] databind() {
        return Json.bytes(page);
    }

    @Benchmark
    public byte[] streaming() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(24_000);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("items");
            for (Vendors.Vendor v : items) {
                g.writeStartObject();
                g.writeNumberField("id", v.id());
                g.writeStringField("name", v.name());
                g.writeStringField("category", v.category());
                g.writeStringField("city", v.city());
                g.writeNumberField("priceTier", v.priceTier());
                g.writeNumberField("rating", v.rating());
                g.writeNumberField("reviewCount", v.reviewCount());
                g.writeStringField("email", v.email());
                g.writeStringField("createdAt", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(v.createdAt()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("size", 100);
            g.writeStringField("sort", page.sort());
            g.writeBooleanField("hasNext", true);
            g.writeStringField("nextCursor", page.nextCursor());
            g.writeEndObject();
        }
        return out.toByteArray();
    }
}
