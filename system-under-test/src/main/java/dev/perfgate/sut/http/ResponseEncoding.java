package dev.perfgate.sut.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;

/**
 * Response compression: picks a content coding from {@code Accept-Encoding} by quality value (RFC 9110 §12.5.3),
 * and encodes whole bodies or wraps a streamed body's output so that every flush reaches the client.
 *
 * <p>Levels are the fast ones because the service compresses each response as it is built: zstd level 1, Brotli
 * quality 4 and gzip level 1 (CompressionBenchmark: on a 19.6 KB vendor page deflate-1 takes 70 µs against gzip's
 * default level 6 at 236 µs for a few per cent more bytes; zstd-1 is both faster, 43 µs, and smaller). When the client
 * rates several codings equally the configured order decides, zstd first for that reason.
 */
public final class ResponseEncoding {
    private static final Logger LOG = Logger.getLogger(ResponseEncoding.class.getName());
    private static final int ZSTD_LEVEL = 1;
    private static final int BROTLI_QUALITY = 4;
    private static final int GZIP_LEVEL = Deflater.BEST_SPEED;

    /** A content coding the service can produce, with its {@code Content-Encoding} token. */
    public enum Coding {
        ZSTD("zstd"), BR("br"), GZIP("gzip");

        private final String token;

        Coding(String token) {
            this.token = token;
        }

        /** Returns the token used in {@code Accept-Encoding} and {@code Content-Encoding}. */
        public String token() {
            return token;
        }

        /** Parses a configured name; null when unknown. */
        public static Coding of(String token) {
            for (Coding c : values()) {
                if (c.token.equals(token)) {
                    return c;
                }
            }
            return null;
        }
    }

    private static final int REMEMBERED_HEADERS = 256;

    private final List<Coding> preference;
    private final int minBytes;
    private final ConcurrentHashMap<String, Optional<Coding>> chosen = new ConcurrentHashMap<>();

    /**
     * @param configured codings the service offers, most preferred first (empty: never compress)
     * @param minBytes   bodies smaller than this are sent as they are
     */
    public ResponseEncoding(List<Coding> configured, int minBytes) {
        List<Coding> usable = new ArrayList<>(configured);
        if (usable.contains(Coding.BR) && !Brotli4jLoader.isAvailable()) {
            // the native library is per platform; without it the other codings still serve every client
            LOG.warning("Brotli is not offered: its native library did not load on this platform ("
                    + Brotli4jLoader.getUnavailabilityCause() + ")");
            usable.remove(Coding.BR);
        }
        this.preference = List.copyOf(usable);
        this.minBytes = minBytes;
    }

    /** Returns the codings offered, most preferred first. */
    public List<Coding> offered() {
        return preference;
    }

    /** Returns the smallest body that is compressed. */
    public int minBytes() {
        return minBytes;
    }

    /** Returns whether a body of this type gains from compression (text formats do; images and archives do not). */
    public static boolean compressible(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        int semicolon = type.indexOf(';');
        if (semicolon >= 0) {
            type = type.substring(0, semicolon).strip();
        }
        if (type.equals("text/event-stream")) {
            // each event must reach the client the moment it is written; a compressor's per-event flush would save
            // little on events of a few hundred bytes, and some proxies hold compressed streams back
            return false;
        }
        return type.startsWith("text/") || type.equals("application/json") || type.endsWith("+json")
                || type.equals("application/x-ndjson") || type.equals("application/xml") || type.endsWith("+xml")
                || type.equals("application/javascript");
    }

    /**
     * Chooses the coding for a request: the offered coding with the highest quality value above 0, ties broken by
     * the service's order; null for identity. A coding the header does not list is acceptable only through
     * {@code *}. Identity wins only when listed with a higher quality than every offered coding. Entries with an
     * unreadable quality value count as refused, so a garbled header never fails a request.
     */
    public Coding choose(String acceptEncoding) {
        if (acceptEncoding == null || acceptEncoding.isBlank() || preference.isEmpty()) {
            return null;
        }
        // clients send a handful of distinct headers (each browser and library its own), so the answer is
        // remembered per header: a map lookup instead of a parse on every request (RateLimitBenchmark.chooseCoding).
        // The header is the client's to choose, so the memory is bounded: past its size, headers are parsed each time.
        Optional<Coding> known = chosen.get(acceptEncoding);
        if (known != null) {
            return known.orElse(null);
        }
        Coding coding = negotiate(acceptEncoding);
        if (chosen.size() < REMEMBERED_HEADERS) {
            chosen.put(acceptEncoding, Optional.ofNullable(coding));
        }
        return coding;
    }

    private Coding negotiate(String acceptEncoding) {
        Map<String, Double> q = parse(acceptEncoding);
        Double wildcard = q.get("*");
        Coding best = null;
        double bestQ = 0;
        for (Coding c : preference) {
            Double value = q.get(c.token);
            if (value == null && c == Coding.GZIP) {
                value = q.get("x-gzip");
            }
            if (value == null) {
                value = wildcard;
            }
            if (value != null && value > bestQ) {
                best = c;
                bestQ = value;
            }
        }
        Double identity = q.get("identity");
        if (best != null && identity != null && identity > bestQ) {
            return null;
        }
        return best;
    }

    /** Returns the coding to use for a complete body, or null to send it as it is. */
    public Coding chooseFor(String acceptEncoding, String contentType, int length) {
        if (length < minBytes || !compressible(contentType)) {
            return null;
        }
        return choose(acceptEncoding);
    }

    private static Map<String, Double> parse(String header) {
        Map<String, Double> q = new HashMap<>();
        for (String part : header.split(",")) {
            String[] pieces = part.split(";");
            String token = pieces[0].strip().toLowerCase(Locale.ROOT);
            if (token.isEmpty()) {
                continue;
            }
            double quality = 1.0;
            for (int i = 1; i < pieces.length; i++) {
                String param = pieces[i].strip();
                if (param.length() > 2 && (param.charAt(0) == 'q' || param.charAt(0) == 'Q') && param.charAt(1) == '=') {
                    quality = quality(param.substring(2));
                }
            }
            q.merge(token, quality, Math::max);
        }
        return q;
    }

    private static double quality(String value) {
        try {
            double q = Double.parseDouble(value);
            return q >= 0 && q <= 1 ? q : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Encodes a whole body. */
    public static byte[] encode(Coding coding, byte[] body) {
        try {
            return switch (coding) {
                case ZSTD -> Zstd.compress(body, ZSTD_LEVEL);
                case BR -> Encoder.compress(body, new Encoder.Parameters().setQuality(BROTLI_QUALITY));
                case GZIP -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
                    try (OutputStream gzip = stream(Coding.GZIP, out)) {
                        gzip.write(body);
                    }
                    yield out.toByteArray();
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException("compressing a response with " + coding.token, e);
        }
    }

    /**
     * Wraps a streamed body: what is written is compressed, {@code flush()} pushes everything written so far to the
     * client as a decodable block (gzip's sync flush, zstd's and Brotli's flush operations), and {@code close()} ends
     * the compressed stream without closing {@code out}'s owner early.
     */
    public static OutputStream stream(Coding coding, OutputStream out) throws IOException {
        return switch (coding) {
            case ZSTD -> new ZstdOutputStream(out, ZSTD_LEVEL);
            case BR -> new BrotliOutputStream(out, new Encoder.Parameters().setQuality(BROTLI_QUALITY));
            case GZIP -> new GZIPOutputStream(out, 8192, true) {
                {
                    def.setLevel(GZIP_LEVEL);
                }
            };
        };
    }
}
