package dev.perfgate.sut.http;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Strong entity tags over response bytes, and {@code If-None-Match} matching (RFC 9110 §13.1.2). */
final class ETags {
    private ETags() {
    }

    /** Characters of the hash part of every tag (96 bits in base64url). */
    private static final int HASH_CHARS = 16;

    /** A quoted tag: the first 96 bits of the body's SHA-256, base64url. */
    static String of(byte[] body) {
        return of(body, null);
    }

    /**
     * A quoted tag of the body's identity bytes, followed by {@code -coding} for a compressed representation: each
     * coding is a different representation and so needs its own strong tag, yet any of them revalidates.
     */
    static String of(byte[] body, String coding) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 12))
                    + (coding == null ? "" : "-" + coding) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * Returns whether an If-None-Match value (a list of tags, weak or strong, or *) names the tag, in any coding:
     * If-None-Match uses weak comparison (RFC 9110 §13.1.2), so a client that cached the gzip representation can
     * revalidate it while now asking for zstd.
     */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        String hash = hash(etag);
        for (String candidate : ifNoneMatch.split(",")) {
            String c = candidate.strip();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.equals("*") || hash.equals(hash(c))) {
                return true;
            }
        }
        return false;
    }

    private static String hash(String tag) {
        return tag.length() >= HASH_CHARS + 1 && tag.charAt(0) == '"' ? tag.substring(1, HASH_CHARS + 1) : tag;
    }
}
