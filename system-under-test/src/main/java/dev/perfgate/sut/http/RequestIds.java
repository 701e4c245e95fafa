package dev.perfgate.sut.http;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Request ids ({@code X-Request-Id}): a caller's own id is kept when it is a plain token, so that one id follows a
 * request through a proxy, the load generator's report and this service's log; otherwise the service makes one.
 * Made ids are a random per-process prefix and a counter: unique across restarts, cheap on the hot path, and in
 * arrival order within one process.
 */
public final class RequestIds {
    /** The header that carries the id both ways. */
    public static final String HEADER = "X-Request-Id";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final String PREFIX = HexFormat.of().toHexDigits(new SecureRandom().nextInt()) + "-";
    private static final AtomicLong NEXT = new AtomicLong();

    private RequestIds() {
    }

    /**
     * Returns the id of a request: the caller's when it is 1 to 128 letters, digits or {@code . _ : -} (anything
     * else could forge log lines or bloat them), a new one otherwise.
     */
    public static String of(String callerId) {
        if (callerId != null && ACCEPTED.matcher(callerId).matches()) {
            return callerId;
        }
        return PREFIX + Long.toHexString(NEXT.incrementAndGet());
    }
}
