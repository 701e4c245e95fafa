package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;

import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.github.luben.zstd.ZstdInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import dev.perfgate.sut.http.ResponseEncoding.Coding;

class ResponseEncodingTest {
    private final ResponseEncoding all = new ResponseEncoding(List.of(Coding.ZSTD, Coding.BR, Coding.GZIP), 1024);

    @ParameterizedTest(name = "Accept-Encoding: {0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "none", value = {
            "gzip                              | gzip",
            "br                                | br",
            "zstd                              | zstd",
            "gzip, deflate                     | gzip",
            "gzip, deflate, br, zstd           | zstd",   // equal quality: the service's order decides
            "gzip;q=1.0, br;q=0.8, zstd;q=0.5  | gzip",   // quality decides
            "br;q=0.9, gzip;q=0.95             | gzip",
            "GZIP;Q=0.5, Br;q=0.6              | br",     // tokens and q are case-insensitive
            "identity                          | none",
            "deflate                           | none",   // not offered
            "gzip;q=0                          | none",   // refused explicitly
            "*                                 | zstd",
            "*;q=0.5, br;q=0.4                 | zstd",   // br rated below what * gives the others
            "*;q=0                             | none",
            "br;q=0, *                         | zstd",
            "identity;q=1, gzip;q=0.5          | none",   // identity rated higher
            "x-gzip                            | gzip",
            "gzip;q=abc                        | none",   // unreadable quality: refused, never an error
            "gzip;q=2                          | none",
            "' , ;, gzip'                      | gzip",
            "''                                | none"})
    void choose_followsQualityValues_thenTheServiceOrder(String header, String expected) {
        Coding chosen = all.choose(header);
        assertThat(chosen == null ? null : chosen.token()).isEqualTo(expected);
    }

    @Test
    void choose_withoutHeader_isIdentity() {
        assertThat(all.choose(null)).isNull();
    }

    @Test
    void chooseFor_skipsSmallBodies_andIncompressibleTypes() {
        assertThat(all.chooseFor("gzip", "application/json", 1023)).isNull();
        assertThat(all.chooseFor("gzip", "application/json", 1024)).isEqualTo(Coding.GZIP);
        assertThat(all.chooseFor("gzip", "image/png", 100_000)).isNull();
        assertThat(all.chooseFor("gzip", "application/octet-stream", 100_000)).isNull();
        assertThat(all.chooseFor("gzip", "text/event-stream", 100_000)).isNull();
        assertThat(all.chooseFor("gzip", "text/csv; charset=utf-8", 100_000)).isEqualTo(Coding.GZIP);
        assertThat(all.chooseFor("gzip", "application/x-ndjson", 100_000)).isEqualTo(Coding.GZIP);
    }

    @Test
    void aServiceWithoutCodings_neverCompresses() {
        assertThat(new ResponseEncoding(List.of(), 0).choose("gzip, br, zstd")).isNull();
    }

    @ParameterizedTest
    @EnumSource(Coding.class)
    void encode_decodesToTheSameBytes_andIsSmaller(Coding coding) throws IOException {
        byte[] body = "{\"vendors\":[{\"id\":1,\"name\":\"Rose Garden\"}]}".repeat(200).getBytes(StandardCharsets.UTF_8);
        byte[] encoded = ResponseEncoding.encode(coding, body);
        assertThat(decode(coding, encoded)).isEqualTo(body);
        assertThat(encoded.length).isLessThan(body.length / 5);
    }

    @ParameterizedTest
    @EnumSource(Coding.class)
    void stream_flushMakesEverythingWrittenSoFarDecodable(Coding coding) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream out = ResponseEncoding.stream(coding, sink);
        byte[] first = "first line\n".repeat(50).getBytes(StandardCharsets.UTF_8);
        out.write(first);
        out.flush();
        // what reached the client so far decodes to the first part, before the stream is finished
        assertThat(decodePrefix(coding, sink.toByteArray(), first.length)).isEqualTo(first);
        out.write("second\n".getBytes(StandardCharsets.UTF_8));
        out.close();
        assertThat(new String(decode(coding, sink.toByteArray()), StandardCharsets.UTF_8)).endsWith("second\n");
    }

    static byte[] decode(Coding coding, byte[] encoded) throws IOException {
        try (InputStream in = decoder(coding, new ByteArrayInputStream(encoded))) {
            return in.readAllBytes();
        }
    }

    private static byte[] decodePrefix(Coding coding, byte[] encoded, int n) throws IOException {
        if (coding == Coding.BR) {
            return brotliPrefix(encoded); // BrotliInputStream fails on an unfinished stream instead of returning
        }
        try (InputStream in = decoder(coding, new ByteArrayInputStream(encoded))) {
            return in.readNBytes(n);
        }
    }

    /** Decodes what an unfinished Brotli stream holds so far with the decoder's push/pull interface. */
    private static byte[] brotliPrefix(byte[] encoded) throws IOException {
        DecoderJNI.Wrapper decoder = new DecoderJNI.Wrapper(encoded.length);
        try {
            decoder.getInputBuffer().put(encoded);
            decoder.push(encoded.length);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                DecoderJNI.Status status = decoder.getStatus();
                if (decoder.hasOutput()) {
                    ByteBuffer chunk = decoder.pull();
                    byte[] bytes = new byte[chunk.remaining()];
                    chunk.get(bytes);
                    out.write(bytes);
                } else if (status == DecoderJNI.Status.OK) {
                    decoder.push(0);
                } else if (status == DecoderJNI.Status.ERROR) {
                    throw new IOException("corrupt Brotli data");
                } else {
                    return out.toByteArray(); // needs more input (the stream goes on) or done
                }
            }
        } finally {
            decoder.destroy();
        }
    }

    static InputStream decoder(Coding coding, InputStream in) throws IOException {
        return switch (coding) {
            case GZIP -> new GZIPInputStream(in);
            case BR -> new BrotliInputStream(in);
            case ZSTD -> new ZstdInputStream(in);
        };
    }
}
