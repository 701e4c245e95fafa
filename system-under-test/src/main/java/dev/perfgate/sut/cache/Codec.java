package dev.perfgate.sut.cache;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The L2 encoding of an entry: a small header (format, flags, logical expiry, the tags and the versions they had
 * when the value was loaded) and the value in Smile — Jackson's binary JSON, so the value decodes to exactly the
 * JSON the service would have written — deflated (fastest level) when at least {@code compressMinBytes} long.
 *
 * <p>Values decode to a {@link JsonNode}: the cache only ever hands them back to be written as JSON, and a tree
 * writes byte-for-byte what the original object wrote (decimals keep their scale, dates stay ISO strings).
 */
public final class Codec {
    private static final int FORMAT = 1;
    private static final int COMPRESSED = 1;
    private static final int NEGATIVE = 2;
    private static final ObjectMapper SMILE = new ObjectMapper(new SmileFactory())
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private final int compressMinBytes;

    public Codec(int compressMinBytes) {
        this.compressMinBytes = compressMinBytes;
    }

    /** An entry as stored: value (or the 404 it stands for), when it expires, its tags and their versions. */
    public record Stored(Object value, boolean negative, long expiresAtMillis, String[] tags, long[] versions) {
    }

    /** Encodes an entry. */
    public byte[] encode(Stored s) {
        try {
            byte[] payload = SMILE.writeValueAsBytes(s.value());
            int flags = s.negative() ? NEGATIVE : 0;
            if (payload.length >= compressMinBytes) {
                payload = deflate(payload, Deflater.BEST_SPEED);
                flags |= COMPRESSED;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + 64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeByte(flags);
            out.writeLong(s.expiresAtMillis());
            out.writeShort(s.tags().length);
            for (int i = 0; i < s.tags().length; i++) {
                out.writeUTF(s.tags()[i]);
                out.writeLong(s.versions()[i]);
            }
            out.writeInt(payload.length);
            out.write(payload);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cache value not encodable: " + e.getMessage(), e);
        }
    }

    /** Decodes an entry, or returns null when the bytes are not one (another format, truncated): a miss. */
    public Stored decode(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
            if (in.readUnsignedByte() != FORMAT) {
                return null;
            }
            int flags = in.readUnsignedByte();
            long expires = in.readLong();
            int n = in.readUnsignedShort();
            String[] tags = new String[n];
            long[] versions = new long[n];
            for (int i = 0; i < n; i++) {
                tags[i] = in.readUTF();
                versions[i] = in.readLong();
            }
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            if ((flags & COMPRESSED) != 0) {
                payload = inflate(payload);
            }
            JsonNode value = SMILE.readTree(payload);
            return new Stored(value, (flags & NEGATIVE) != 0, expires, tags, versions);
        } catch (IOException | DataFormatException | RuntimeException e) {
            return null;
        }
    }

    /** Deflates (zlib format) at a level from 1 (fastest) to 9 (smallest); the compression benchmark uses it too. */
    public static byte[] deflate(byte[] input, int level) {
        Deflater deflater = new Deflater(level);
        try {
            deflater.setInput(input);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(input.length / 2 + 16);
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static byte[] inflate(byte[] input) throws DataFormatException {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(input);
            ByteArrayOutputStream out = new ByteArrayOutputStream(input.length * 4);
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new DataFormatException("truncated compressed value");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } finally {
            inflater.end();
        }
    }
}
