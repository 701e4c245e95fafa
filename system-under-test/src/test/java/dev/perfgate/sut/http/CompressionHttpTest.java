package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.http.ResponseEncoding.Coding;

/** Compression negotiated per request on the real server; decoded bytes must equal the uncompressed answer. */
class CompressionHttpTest {
    private static final String LIST = "/api/vendors?size=50";
    private final Http http = Http.shared();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "gzip                          | gzip",
            "br                            | br",
            "zstd                          | zstd",
            "gzip, deflate, br, zstd       | zstd",
            "gzip;q=1, br;q=0.5, zstd;q=0.1 | gzip",
            "br;q=0.9, gzip;q=0.2          | br"})
    void listResponse_isCompressedAsNegotiated_andDecodesToThePlainBody(String accept, String expected)
            throws IOException {
        HttpResponse<byte[]> plain = http.getBytes(LIST);
        HttpResponse<byte[]> encoded = http.getBytes(LIST, "Accept-Encoding", accept);
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(plain.body().length).isGreaterThan(1024);
        assertThat(encoded.headers().firstValue("Content-Encoding")).hasValue(expected);
        assertThat(encoded.headers().allValues("Vary")).contains("Accept-Encoding");
        assertThat(plain.headers().allValues("Vary")).contains("Accept-Encoding");
        byte[] decoded = ResponseEncodingTest.decode(Coding.of(expected), encoded.body());
        assertThat(decoded).isEqualTo(plain.body());
        assertThat(encoded.body().length).isLessThan(plain.body().length / 3);
        System.out.printf("%s: %,d -> %,d bytes (%.1fx)%n", expected, plain.body().length, encoded.body().length,
                plain.body().length / (double) encoded.body().length);
    }

    @ParameterizedTest
    @CsvSource({"identity", "gzip;q=0", "deflate", "*;q=0"})
    void notAcceptedCodings_leaveTheBodyAsItIs(String accept) {
        HttpResponse<byte[]> r = http.getBytes(LIST, "Accept-Encoding", accept);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(new String(r.body())).startsWith("{");
    }

    @Test
    void bodiesBelowTheThreshold_areSentAsTheyAre() {
        HttpResponse<byte[]> small = http.getBytes("/api/performance/health", "Accept-Encoding", "gzip, br, zstd");
        assertThat(small.body().length).isLessThan(1024);
        assertThat(small.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(small.headers().allValues("Vary")).contains("Accept-Encoding");
    }

    @Test
    void etag_differsPerCoding_andAnyOfThemRevalidates() {
        HttpResponse<byte[]> gzip = http.getBytes(LIST, "Accept-Encoding", "gzip");
        HttpResponse<byte[]> plain = http.getBytes(LIST);
        String gzipTag = gzip.headers().firstValue("ETag").orElseThrow();
        String plainTag = plain.headers().firstValue("ETag").orElseThrow();
        assertThat(gzipTag).isNotEqualTo(plainTag).endsWith("-gzip\"");
        HttpResponse<byte[]> revalidated = http.getBytes(LIST, "Accept-Encoding", "zstd", "If-None-Match", gzipTag);
        assertThat(revalidated.statusCode()).isEqualTo(304);
        assertThat(revalidated.headers().allValues("Vary")).contains("Accept-Encoding");
        assertThat(http.getBytes(LIST, "If-None-Match", gzipTag).statusCode()).isEqualTo(304);
    }

    @Test
    void prometheusText_isCompressedToo_jsonIsNotTheOnlyType() throws IOException {
        HttpResponse<byte[]> plain = http.getBytes("/metrics");
        HttpResponse<byte[]> gzip = http.getBytes("/metrics", "Accept-Encoding", "gzip");
        assertThat(gzip.headers().firstValue("Content-Encoding")).hasValue("gzip");
        // scrapes differ from one request to the next, so compare the shape rather than the bytes
        assertThat(new String(ResponseEncodingTest.decode(Coding.GZIP, gzip.body())))
                .contains("# TYPE").contains("http_server_requests");
        assertThat(new String(plain.body())).contains("# TYPE");
    }
}
