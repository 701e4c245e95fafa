package dev.perfgate.sut.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.contract.Json;
import dev.perfgate.sut.request.RequestContext;

/**
 * A request as endpoints see it: path ids, query parameters and the JSON body, each read through a validating
 * accessor that answers a 400 naming the parameter and the rule, so that no endpoint parses input by hand.
 */
public final class ApiRequest {
    private final ServerRequest request;
    private final int maxBodyBytes;
    /** The connection the request came on (its body read is watched for stalls), or null. */
    private final ClientConnections.Watched connection;
    private final PerfMode mode;
    private final RequestContext context;

    ApiRequest(ServerRequest request, int maxBodyBytes, ClientConnections.Watched connection, RequestContext context) {
        this.connection = connection;
        this.request = request;
        this.maxBodyBytes = maxBodyBytes;
        this.mode = PerfMode.parse(header(PerfMode.HEADER).orElse(null));
        this.context = context;
        context.naive(mode == PerfMode.NAIVE);
    }

    /** Returns the request's context, handed to the domain, the cache and the database for this request's work. */
    public RequestContext context() {
        return context;
    }

    /** Returns the underlying Helidon request (routing and admin checks). */
    ServerRequest raw() {
        return request;
    }

    /** Returns the optimization mode the client asked for. */
    public PerfMode mode() {
        return mode;
    }

    /** Returns a request header. */
    public Optional<String> header(String name) {
        return request.headers().first(HeaderNames.create(name));
    }

    /** Returns a path parameter as it was given (decoded). */
    public String pathText(String name) {
        return request.path().pathParameters().get(name);
    }

    /** Returns a path parameter that must be a positive id. */
    public long pathId(String name) {
        String raw = request.path().pathParameters().get(name);
        return positiveLong(name, raw, "path parameter " + name);
    }

    /** Rejects query parameters the endpoint does not know, so that a typo is not silently ignored. */
    public ApiRequest allowParams(String... names) {
        Set<String> allowed = Set.of(names);
        Set<String> unknown = new TreeSet<>(request.query().names());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw ApiException.badRequest(first, "unknown query parameter " + first + "; this endpoint accepts "
                    + String.join(", ", new TreeSet<>(allowed)));
        }
        return this;
    }

    /** Returns the query parameters sorted by name ({@code a=1&b=2}): the cache key of a list request. */
    public String canonicalQuery() {
        StringBuilder out = new StringBuilder();
        for (String name : new TreeSet<>(request.query().names())) {
            out.append(out.isEmpty() ? "" : "&").append(name).append('=').append(request.query().all(name).getFirst());
        }
        return out.toString();
    }

    /** Returns a query parameter's single value, if given. */
    public Optional<String> param(String name) {
        if (!request.query().contains(name)) {
            return Optional.empty();
        }
        List<String> values = request.query().all(name);
        if (values.size() > 1) {
            throw ApiException.badRequest(name, name + " was given " + values.size() + " times, at most once allowed");
        }
        return Optional.of(values.getFirst());
    }

    /** Returns a required query parameter that must be a positive id. */
    public long requiredId(String name) {
        return positiveLong(name, param(name).orElseThrow(() -> ApiException.badRequest(name,
                name + " is required")), name);
    }

    /** Returns an optional integer query parameter within bounds. */
    public int intParam(String name, int defaultValue, int min, int max) {
        Optional<String> raw = param(name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below with the rule
        }
        throw ApiException.badRequest(name, name + " was \"" + raw.get() + "\", must be an integer from " + min
                + " to " + max);
    }

    /** Returns an optional decimal query parameter within bounds. */
    public Optional<BigDecimal> decimalParam(String name, BigDecimal min, BigDecimal max) {
        Optional<String> raw = param(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            BigDecimal value = new BigDecimal(raw.get());
            if (value.compareTo(min) >= 0 && value.compareTo(max) <= 0) {
                return Optional.of(value);
            }
        } catch (NumberFormatException ignored) {
            // answered below with the rule
        }
        throw ApiException.badRequest(name, name + " was \"" + raw.get() + "\", must be a number from "
                + min.toPlainString() + " to " + max.toPlainString());
    }

    /** Returns an optional query parameter that must be one of the allowed values. */
    public Optional<String> enumParam(String name, Set<String> allowed) {
        Optional<String> raw = param(name);
        if (raw.isPresent() && !allowed.contains(raw.get())) {
            throw ApiException.badRequest(name, name + " was \"" + raw.get() + "\", must be one of "
                    + String.join(", ", new TreeSet<>(allowed)));
        }
        return raw;
    }

    /** Returns an optional free-text query parameter of 1 to maxLength characters. */
    public Optional<String> textParam(String name, int maxLength) {
        Optional<String> raw = param(name).map(String::strip);
        if (raw.isPresent() && (raw.get().isEmpty() || raw.get().length() > maxLength)) {
            throw ApiException.badRequest(name, name + " must be 1 to " + maxLength + " characters");
        }
        return raw;
    }

    /** Returns an optional ISO date query parameter. */
    public Optional<LocalDate> dateParam(String name) {
        return param(name).map(raw -> parseDate(name, raw));
    }

    /** Returns an optional boolean query parameter. */
    public Optional<Boolean> booleanParam(String name) {
        return param(name).map(raw -> switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest(name, name + " was \"" + raw + "\", must be true or false");
        });
    }

    /** Reads the body as a JSON object, within the size limit; answers 400, 413 or 415 otherwise. */
    public Body body() {
        Optional<String> type = header("Content-Type");
        if (type.isPresent()) {
            requireJsonUtf8(type.get());
        }
        Optional<String> length = header("Content-Length");
        if (length.isPresent()) {
            try {
                if (Long.parseLong(length.get()) > maxBodyBytes) {
                    throw discardedTooLarge();
                }
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length", "Content-Length must be a number");
            }
        }
        byte[] bytes = readAtMost(maxBodyBytes);
        if (bytes.length == 0) {
            throw ApiException.badRequest(null, "request body is required: a JSON object");
        }
        if (type.isEmpty()) {
            throw new ApiException(415, "unsupported_media_type",
                    "Content-Type is required with a body, and must be application/json", null);
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            // some errors (a nesting or length limit) carry no location
            var at = e.getLocation();
            throw new ApiException(400, "malformed_json", "request body is not valid JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String unpaired = unpairedSurrogate(node, "");
        if (unpaired != null) {
            throw ApiException.badRequest(unpaired.isEmpty() ? null : unpaired, "request body holds an unpaired"
                    + " UTF-16 surrogate (a \\ud800-\\udfff escape without its pair)"
                    + (unpaired.isEmpty() ? "" : " in " + unpaired) + ": it is not a character");
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.badRequest(null, "request body must be a JSON object, was " + node.getNodeType()
                    .name().toLowerCase(Locale.ROOT));
        }
        return new Body(object);
    }

    /**
     * Requires a JSON media type in UTF-8: {@code application/json}, with at most a {@code charset=utf-8} parameter
     * (JSON is UTF-8, RFC 8259); anything else is a 415 naming what was sent.
     */
    private static void requireJsonUtf8(String contentType) {
        String[] parts = contentType.split(";");
        boolean ok = parts[0].strip().equalsIgnoreCase("application/json");
        for (int i = 1; ok && i < parts.length; i++) {
            String[] kv = parts[i].strip().split("=", 2);
            ok = kv.length == 2 && kv[0].strip().equalsIgnoreCase("charset")
                    && kv[1].strip().replace("\"", "").equalsIgnoreCase("utf-8");
        }
        if (!ok) {
            throw new ApiException(415, "unsupported_media_type", "Content-Type was \"" + contentType
                    + "\", must be application/json (optionally ; charset=utf-8)", null);
        }
    }

    /** Returns the field path of the first string or name with an unpaired surrogate ("" at the top), or null. */
    private static String unpairedSurrogate(JsonNode node, String path) {
        if (node.isTextual()) {
            return unpaired(node.textValue()) ? path : null;
        }
        var fields = node.fields();
        while (fields.hasNext()) {
            var f = fields.next();
            String at = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
            if (unpaired(f.getKey())) {
                return at;
            }
            String inner = unpairedSurrogate(f.getValue(), at);
            if (inner != null) {
                return inner;
            }
        }
        for (int i = 0; node.isArray() && i < node.size(); i++) {
            String inner = unpairedSurrogate(node.get(i), path + "[" + i + "]");
            if (inner != null) {
                return inner;
            }
        }
        return null;
    }

    private static boolean unpaired(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return true;
            }
            if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private byte[] readAtMost(int limit) {
        if (!request.content().hasEntity()) {
            return new byte[0];
        }
        phase(ClientConnections.Phase.BODY);
        try (InputStream in = request.content().inputStream()) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw discardedTooLarge(in);
            }
            return bytes;
        } catch (IOException e) {
            throw ApiException.badRequest(null, "request body could not be read: " + e.getMessage());
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            // the body stopped short of its length: the client went away, or was cut off by the read timeout
            throw new ApiException(408, "request_timeout", "the request body ended before its declared length, or"
                    + " did not arrive within SUT_READ_TIMEOUT_MS", null);
        } finally {
            phase(ClientConnections.Phase.HANDLER);
        }
    }

    private void phase(ClientConnections.Phase phase) {
        if (connection != null) {
            connection.phase(phase);
        }
    }

    /**
     * Reads the rest of an oversized body and drops it, then returns the 413: a client still sending would otherwise
     * see its connection reset (a broken pipe) instead of the answer. The server's payload bound (32 MiB) caps how
     * much is read; past it the connection is closed.
     */
    private ApiException discardedTooLarge() {
        phase(ClientConnections.Phase.BODY);
        try (InputStream in = request.content().inputStream()) {
            return discardedTooLarge(in);
        } catch (IOException | RuntimeException beyondBound) {
            return tooLarge();
        } finally {
            phase(ClientConnections.Phase.HANDLER);
        }
    }

    private ApiException discardedTooLarge(InputStream in) {
        try {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException beyondBound) {
            // the body exceeded the server's bound or the client left: the connection closes after the 413
        }
        return tooLarge();
    }

    private ApiException tooLarge() {
        return new ApiException(413, "payload_too_large", "request body is larger than " + maxBodyBytes
                + " bytes (SUT_MAX_BODY_BYTES)", null);
    }

    static long positiveLong(String field, String raw, String what) {
        try {
            long value = Long.parseLong(raw);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below with the rule
        }
        throw ApiException.badRequest(field, what + " was \"" + raw + "\", must be a positive integer");
    }

    static LocalDate parseDate(String field, String raw) {
        try {
            LocalDate date = LocalDate.parse(raw);
            if (date.getYear() < 1900 || date.getYear() > 2200) {
                throw ApiException.badRequest(field, field + " was \"" + raw + "\", must be between 1900 and 2200");
            }
            return date;
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(field, field + " was \"" + raw + "\", must be a date like 2026-06-20");
        }
    }
}
