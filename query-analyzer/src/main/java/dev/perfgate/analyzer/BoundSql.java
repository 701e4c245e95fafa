package dev.perfgate.analyzer;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.SQLException;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A statement with its bind values written in as SQL literals: the text the analyzer plans (so the planner sees the
 * real values, as it does for a custom plan) and the text a report shows, which a reader can paste into psql.
 *
 * <p>Literals are untyped ({@code '2026-03-01'}), as PostgreSQL resolves them from context just like the driver's
 * bound values; strings are quoted with doubled quotes (standard_conforming_strings, on since 9.1). Markers are
 * JDBC's {@code ?} outside quotes and comments; {@code ??} is JDBC's escaped question mark.
 */
public final class BoundSql {
    private BoundSql() {
    }

    /** Writes values into the statement's {@code ?} markers, in order; markers beyond the values stay. */
    public static String inline(String sql, List<?> values) {
        StringBuilder out = new StringBuilder(sql.length() + 16 * values.size());
        int next = 0;
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = Fingerprint.skipQuoted(sql, i, c, false);
                out.append(sql, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.append(sql, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                out.append(sql, i, end);
                i = end;
            } else if (c == '?') {
                if (i + 1 < n && sql.charAt(i + 1) == '?') {
                    out.append('?');
                    i += 2;
                } else {
                    out.append(next < values.size() ? literal(values.get(next)) : "?");
                    next++;
                    i++;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Returns a value as an SQL literal. */
    static String literal(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof byte[] bytes) {
            return "'\\x" + HexFormat.of().formatHex(bytes) + "'::bytea";
        }
        if (value instanceof Array array) {
            try {
                return quote(arrayText((Object[]) array.getArray()));
            } catch (SQLException | ClassCastException e) {
                return "NULL";
            }
        }
        if (value instanceof Object[] array) {
            return quote(arrayText(array));
        }
        if (value instanceof TemporalAccessor || value instanceof java.util.Date) {
            return quote(value.toString());
        }
        return quote(value.toString());
    }

    private static String arrayText(Object[] values) {
        return Arrays.stream(values).map(v -> v == null ? "NULL"
                        : v instanceof Number ? v.toString()
                        : "\"" + v.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }


    private static final java.util.regex.Pattern WRITES = java.util.regex.Pattern.compile(
            "\\b(insert|update|delete|merge|into)\\b|\\bfor (no key )?(update|share)\\b|\\bfor key share\\b");

    /** Returns whether a statement only reads: a SELECT or WITH with no data-modifying part and no row locks. */
    public static boolean readOnly(String sql) {
        String s = Fingerprint.of(sql);
        return (s.startsWith("select ") || s.startsWith("with ") || s.startsWith("(select "))
                && !WRITES.matcher(s).find();
    }

    /** Returns whether the statement is one EXPLAIN can plan (a query or a DML statement). */
    public static boolean plannable(String sql) {
        String s = Fingerprint.of(sql).toLowerCase(Locale.ROOT);
        return s.startsWith("select ") || s.startsWith("with ") || s.startsWith("insert ") || s.startsWith("update ")
                || s.startsWith("delete ") || s.startsWith("(select ") || s.startsWith("values ");
    }

    /** Returns whether a statement has PostgreSQL's numbered markers ({@code $1}), as pg_stat_statements shows. */
    /**
     * Writes a sample value into every {@code $n} marker, for a statement pg_stat_statements normalized into text
     * that no longer prepares: a typed literal such as {@code date '2026-01-01'} becomes {@code date $2}, a syntax
     * error. Each marker gets a value of the type its context names ({@code date $2} → {@code date '2000-01-01'},
     * {@code interval $1} → {@code interval '1 day'}, {@code LIMIT $3} → {@code 10}, {@code OFFSET} → 0), else
     * {@code '0'}, which PostgreSQL reads as whatever type the comparison needs. The plan is then one for those
     * values, not a generic one, and the report says so.
     */
    public static String withSampleValues(String sql) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(?i)(\\b(date|time|timestamp|timestamptz|interval|limit|offset)\\s+)?\\$(\\d+)").matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String kind = m.group(2) == null ? "" : m.group(2).toLowerCase(java.util.Locale.ROOT);
            String value = switch (kind) {
                case "date" -> "'2000-01-01'";
                case "time" -> "'12:00'";
                case "timestamp", "timestamptz" -> "'2000-01-01 00:00'";
                case "interval" -> "'1 day'";
                case "limit" -> "10";
                case "offset" -> "0";
                default -> "'0'";
            };
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(
                    (m.group(1) == null ? "" : m.group(1)) + value));
        }
        m.appendTail(out);
        return out.toString();
    }

    public static boolean hasNumberedMarkers(String sql) {
        for (int i = 0; i < sql.length() - 1; i++) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                i = Fingerprint.skipQuoted(sql, i, c, false) - 1;
            } else if (c == '$' && Character.isDigit(sql.charAt(i + 1))
                    && (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)))) {
                return true;
            }
        }
        return false;
    }

    /** Splits a script into statements at semicolons outside quotes, comments and dollar quotes; blanks dropped. */
    public static List<String> split(String script) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder current = new StringBuilder();
        int n = script.length();
        int i = 0;
        while (i < n) {
            char c = script.charAt(i);
            int end = i + 1;
            if (c == '\'' || c == '"') {
                end = Fingerprint.skipQuoted(script, i, c, false);
            } else if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                int nl = script.indexOf('\n', i);
                end = nl < 0 ? n : nl;
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int close = script.indexOf("*/", i + 2);
                end = close < 0 ? n : close + 2;
            } else if (c == '$') {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$[A-Za-z_]*\\$").matcher(script);
                if (m.find(i) && m.start() == i) {
                    int close = script.indexOf(m.group(), m.end());
                    end = close < 0 ? n : close + m.group().length();
                }
            } else if (c == ';') {
                add(out, current);
                i++;
                continue;
            }
            current.append(script, i, end);
            i = end;
        }
        add(out, current);
        return out;
    }

    private static void add(List<String> out, StringBuilder statement) {
        String s = statement.toString().strip();
        if (!s.isEmpty() && !Fingerprint.of(s).isEmpty()) {
            out.add(s);
        }
        statement.setLength(0);
    }
}
