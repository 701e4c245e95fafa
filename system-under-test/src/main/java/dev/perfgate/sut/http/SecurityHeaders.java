package dev.perfgate.sut.http;

import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * The headers every response carries, errors included, whoever writes it (a route, the fallback, Helidon's own
 * transport errors). JSON gets a policy that allows nothing at all, because no API response should ever be rendered
 * as a document; the one HTML page (the live monitor) gets a policy that allows only its own script and styles and a
 * connection back to this service.
 */
public final class SecurityHeaders {
    /** For everything that is not HTML: no content may load, no page may frame it. */
    static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";
    /** For the monitor page: its own script and stylesheet, its event stream, nothing inline, no framing. */
    static final String HTML_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    /** Sets the security headers for a response of the given content type through {@code header(name, value)}. */
    public static void apply(String contentType, BiConsumer<String, String> header) {
        header.accept("X-Content-Type-Options", "nosniff");
        header.accept("X-Frame-Options", "DENY");
        header.accept("Referrer-Policy", "no-referrer");
        boolean html = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/html");
        header.accept("Content-Security-Policy", html ? HTML_POLICY : API_POLICY);
    }
}
