package dev.perfgate.analyzer;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The shape of a SQL statement: literals and bind markers become {@code ?}, {@code IN (...)} and {@code VALUES}
 * lists collapse to one element, white space and keyword case are normalized, comments dropped. Statements that
 * differ only in their values share a fingerprint, so they are counted, timed and judged together.
 *
 * <p>Normalizing is a single pass over the characters, no regular expressions, and its result is cached by the
 * exact SQL text: the service's statements are prepared with bind markers, so the text repeats and nearly every
 * call is a map lookup. The cache is bounded: past {@link #CACHE_LIMIT} entries (statements with inlined literals
 * would grow it without end) it is cleared.
 */
public final class Fingerprint {
    static final int CACHE_LIMIT = 10_000;
    private static final ConcurrentHashMap<String, String> CACHE = new ConcurrentHashMap<>();

    private Fingerprint() {
    }

    /** Returns the fingerprint of a statement, from the cache when the same text was seen before. */
    public static String of(String sql) {
        String cached = CACHE.get(sql);
        if (cached != null) {
            return cached;
        }
        String fingerprint = normalize(sql);
        if (CACHE.size() >= CACHE_LIMIT) {
            CACHE.clear();
        }
        CACHE.put(sql, fingerprint);
        return fingerprint;
    }

    /** Normalizes a statement without the cache (what a cache miss costs; benchmarks compare the two). */
    public static String normalize(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                space(out);
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
                space(out);
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                space(out);
            } else if (c == '\'') {
                // E'...', B'...', X'...', N'...': the prefix letter was just written; drop it
                boolean prefixed = out.length() > 0 && "ebxn".indexOf(out.charAt(out.length() - 1)) >= 0
                        && (out.length() == 1 || !isWordChar(out.charAt(out.length() - 2)));
                boolean escapes = prefixed && out.charAt(out.length() - 1) == 'e'; // backslash escapes in E'...'
                if (prefixed) {
                    out.setLength(out.length() - 1);
                }
                i = skipQuoted(sql, i, '\'', escapes);
                out.append('?');
            } else if (c == '"') {
                int end = skipQuoted(sql, i, '"', false);
                out.append(sql, i, end); // a quoted identifier is part of the shape
                i = end;
            } else if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
                i++;
                while (i < n && Character.isDigit(sql.charAt(i))) {
                    i++;
                }
                out.append('?');
            } else if (Character.isDigit(c) && (out.length() == 0 || !isWordChar(out.charAt(out.length() - 1)))) {
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
                    i++;
                }
                out.append('?');
            } else if (isWordChar(c)) {
                int start = i;
                while (i < n && isWordChar(sql.charAt(i))) {
                    i++;
                }
                for (int k = start; k < i; k++) {
                    out.append(Character.toLowerCase(sql.charAt(k)));
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return collapseLists(out.toString().strip());
    }

    private static void space(StringBuilder out) {
        if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
            out.append(' ');
        }
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** Returns the index after a quoted run, honouring doubled quotes (and backslash escapes when asked). */
    static int skipQuoted(String sql, int start, char quote, boolean backslashEscapes) {
        int i = start + 1;
        while (i < sql.length()) {
            if (backslashEscapes && sql.charAt(i) == '\\') {
                i += 2;
                continue;
            }
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return sql.length();
    }

    /** Collapses {@code (?, ?, ?)} to {@code (?)} and {@code (?), (?), (?)} (multi-row VALUES) to {@code (?)}. */
    private static String collapseLists(String s) {
        String previous;
        String current = s;
        do {
            previous = current;
            current = current.replace("?, ?", "?").replace("?,?", "?").replace("(?), (?)", "(?)").replace("(?),(?)", "(?)");
        } while (!current.equals(previous));
        return current;
    }
}
