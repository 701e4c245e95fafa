package dev.perfgate.sut.http;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perfgate.sut.contract.ApiException;

/**
 * A JSON request body read field by field: each accessor checks presence, type and range, and answers a 400
 * naming the field and the rule.
 */
public final class Body {
    private static final BigDecimal MAX_MONEY = new BigDecimal("9999999999.99");
    private final ObjectNode node;

    Body(ObjectNode node) {
        this.node = node;
    }

    /** Rejects fields the endpoint does not know (a misspelt field must not be silently dropped). */
    public Body allowFields(String... names) {
        Set<String> allowed = Set.of(names);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw ApiException.badRequest(name, "unknown field " + name + "; allowed fields are "
                        + String.join(", ", new TreeSet<>(allowed)));
            }
        }
        return this;
    }

    /** Requires at least one of the fields (a PATCH that changes nothing is a mistake). */
    public Body requireAnyOf(String... names) {
        for (String name : names) {
            if (node.has(name)) {
                return this;
            }
        }
        throw ApiException.badRequest(null, "body must contain at least one of " + String.join(", ", names));
    }

    /** Returns whether the field is present (possibly null). */
    public boolean has(String name) {
        return node.has(name);
    }

    /** Returns whether the field is present and JSON null. */
    public boolean isNull(String name) {
        return node.has(name) && node.get(name).isNull();
    }

    /** Returns a required string of min to max characters after trimming. */
    public String text(String name, int min, int max) {
        return optionalText(name, min, max).orElseThrow(() -> missing(name));
    }

    /** Returns an optional string of min to max characters after trimming; null is treated as absent. */
    public Optional<String> optionalText(String name, int min, int max) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw wrongType(name, "a string", v);
        }
        String s = v.asText().strip();
        if (s.length() < min || s.length() > max) {
            throw ApiException.badRequest(name, name + " must be " + min + " to " + max + " characters, was "
                    + s.length());
        }
        return Optional.of(s);
    }

    /** Returns a required string that must be one of the allowed values. */
    public String choice(String name, Set<String> allowed) {
        return optionalChoice(name, allowed).orElseThrow(() -> missing(name));
    }

    /** Returns an optional string that must be one of the allowed values. */
    public Optional<String> optionalChoice(String name, Set<String> allowed) {
        Optional<String> v = optionalText(name, 1, 100);
        if (v.isPresent() && !allowed.contains(v.get())) {
            throw ApiException.badRequest(name, name + " was \"" + v.get() + "\", must be one of "
                    + String.join(", ", new TreeSet<>(allowed)));
        }
        return v;
    }

    /** Returns a required e-mail address. */
    public String email(String name) {
        String v = text(name, 3, 254);
        if (!v.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw ApiException.badRequest(name, name + " was \"" + v + "\", must be an e-mail address");
        }
        return v.toLowerCase(Locale.ROOT);
    }

    /** Returns a required ISO date. */
    public LocalDate date(String name) {
        return optionalDate(name).orElseThrow(() -> missing(name));
    }

    /** Returns an optional ISO date. */
    public Optional<LocalDate> optionalDate(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw wrongType(name, "a date string like 2026-06-20", v);
        }
        return Optional.of(ApiRequest.parseDate(name, v.asText()));
    }

    /** Returns a required amount of money: a non-negative number with at most two decimals. */
    public BigDecimal money(String name) {
        return optionalMoney(name).orElseThrow(() -> missing(name));
    }

    /** Returns an optional amount of money. */
    public Optional<BigDecimal> optionalMoney(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isNumber()) {
            throw wrongType(name, "a number", v);
        }
        BigDecimal d = v.decimalValue();
        if (d.signum() < 0 || d.compareTo(MAX_MONEY) > 0 || d.stripTrailingZeros().scale() > 2) {
            throw ApiException.badRequest(name, name + " was " + d.toPlainString()
                    + ", must be from 0 to " + MAX_MONEY.toPlainString() + " with at most 2 decimals");
        }
        return Optional.of(d.setScale(2));
    }

    /** Returns a required integer within bounds. */
    public long integer(String name, long min, long max) {
        return optionalInteger(name, min, max).orElseThrow(() -> missing(name));
    }

    /** Returns an optional integer within bounds; null is treated as absent. */
    public Optional<Long> optionalInteger(String name, long min, long max) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw wrongType(name, "an integer", v);
        }
        long value = v.longValue();
        if (value < min || value > max) {
            throw ApiException.badRequest(name, name + " was " + value + ", must be from " + min + " to " + max);
        }
        return Optional.of(value);
    }

    private static ApiException missing(String name) {
        return ApiException.badRequest(name, name + " is required");
    }

    private static ApiException wrongType(String name, String expected, JsonNode actual) {
        return ApiException.badRequest(name, name + " must be " + expected + ", was "
                + actual.getNodeType().name().toLowerCase(Locale.ROOT) + " " + abbreviate(actual.toString()));
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
