package dev.perfgate.analyzer.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads column references out of the condition text EXPLAIN prints ({@code Filter}, {@code Index Cond},
 * {@code Hash Cond}, ...), e.g. {@code ((v.category = 'venue'::text) AND (lower(v.email) = 'x'::text))}, and says
 * how each column is used: compared for equality, compared as a range, matched with LIKE, or wrapped in a function
 * or cast (which no plain index on the column can serve).
 *
 * <p>PostgreSQL prints conditions in a regular form (every comparison parenthesized, column on the left when one
 * side is a constant, casts as {@code (x)::type}), so a scanner that skips string literals and looks at the
 * characters around each identifier is enough; it does not need to parse SQL.
 */
public final class Predicates {
    private Predicates() {
    }

    /** How a condition uses a column. */
    public enum Use { EQUALITY, RANGE, LIKE, WRAPPED, OTHER }

    /**
     * One reference: the column, its use, and for LIKE the pattern literal (without quotes), else null;
     * {@code function} is the wrapping function or cast for WRAPPED.
     */
    public record ColumnUse(String column, Use use, String pattern, String function) {
        /** A LIKE whose pattern starts with a wildcard: no B-tree index can serve it. */
        public boolean leadingWildcard() {
            return use == Use.LIKE && pattern != null && (pattern.startsWith("%") || pattern.startsWith("_"));
        }

        /** A use a B-tree index serves as a range: a comparison, or LIKE with a literal prefix. */
        public boolean indexableRange() {
            return use == Use.RANGE || use == Use.LIKE && pattern != null && !leadingWildcard();
        }
    }

    /**
     * Returns the uses of the table's columns in a condition. A qualified reference counts only when its qualifier
     * is {@code alias}; an unqualified one counts when the name is one of {@code columns}.
     */
    public static List<ColumnUse> uses(String condition, String alias, Set<String> columns) {
        List<ColumnUse> out = new ArrayList<>();
        if (condition == null) {
            return out;
        }
        int n = condition.length();
        int i = 0;
        while (i < n) {
            char c = condition.charAt(i);
            if (c == '\'') {
                i = skipLiteral(condition, i);
                continue;
            }
            if (Character.isLetter(c) || c == '_' || c == '"') {
                if (i > 0 && (Character.isLetterOrDigit(condition.charAt(i - 1)) || condition.charAt(i - 1) == '_'
                        || condition.charAt(i - 1) == ':')) {
                    // part of a longer word, or a type name after ::
                    i = endOfWord(condition, i);
                    continue;
                }
                int start = i;
                String first = word(condition, i);
                i = start + first.length();
                String qualifier = null;
                String name = unquote(first);
                if (i < n && condition.charAt(i) == '.' && i + 1 < n
                        && (Character.isLetter(condition.charAt(i + 1)) || condition.charAt(i + 1) == '_'
                        || condition.charAt(i + 1) == '"')) {
                    String second = word(condition, i + 1);
                    qualifier = name;
                    name = unquote(second);
                    i = i + 1 + second.length();
                }
                if (i < n && condition.charAt(i) == '(') {
                    continue; // a function name
                }
                boolean ours = qualifier == null ? columns.contains(name)
                        : qualifier.equals(alias) && columns.contains(name);
                if (ours) {
                    out.add(classify(condition, start, i, name));
                }
                continue;
            }
            i++;
        }
        return out;
    }

    private static ColumnUse classify(String s, int start, int end, String column) {
        // wrapped: "lower(col", "f(x, col" or a cast "(col)::type"
        int before = start - 1;
        if (before >= 0 && s.charAt(before) == '(') {
            int b = before - 1;
            if (b >= 0 && (Character.isLetterOrDigit(s.charAt(b)) || s.charAt(b) == '_')) {
                int fs = b;
                while (fs > 0 && (Character.isLetterOrDigit(s.charAt(fs - 1)) || s.charAt(fs - 1) == '_')) {
                    fs--;
                }
                String function = s.substring(fs, b + 1);
                if (!function.equals("ROW") && !function.equals("ARRAY")) {
                    // a row or array constructor is not a function: (a, b) > (x, y) can use an index on (a, b)
                    return new ColumnUse(column, Use.WRAPPED, null, function);
                }
                return new ColumnUse(column, Use.OTHER, null, null);
            }
            if (s.startsWith(")::", end)) {
                int te = end + 3;
                while (te < s.length() && (Character.isLetterOrDigit(s.charAt(te)) || s.charAt(te) == '_'
                        || s.charAt(te) == ' ' && te + 1 < s.length() && Character.isLetter(s.charAt(te + 1))
                        && !s.startsWith(" AND", te) && !s.startsWith(" OR", te))) {
                    te++;
                }
                String type = s.substring(end + 3, te).strip();
                return new ColumnUse(column, Use.WRAPPED, null, "::" + type);
            }
        }
        String after = s.substring(end).stripLeading();
        String op = operator(after);
        if (op == null) {
            // the right-hand side of a comparison: look at the operator before it
            String head = s.substring(0, start).stripTrailing();
            op = head.endsWith("<>") ? "<>" : head.endsWith(">=") ? ">=" : head.endsWith("<=") ? "<="
                    : head.endsWith("=") ? "=" : head.endsWith("<") ? "<" : head.endsWith(">") ? ">" : null;
            if (op == null) {
                return new ColumnUse(column, Use.OTHER, null, null);
            }
        }
        return switch (op) {
            case "=", "IS" -> new ColumnUse(column, Use.EQUALITY, null, null);
            case "<", ">", "<=", ">=" -> new ColumnUse(column, Use.RANGE, null, null);
            case "~~", "~~*", "!~~", "!~~*" -> new ColumnUse(column, Use.LIKE, likePattern(after, op), null);
            default -> new ColumnUse(column, Use.OTHER, null, null);
        };
    }

    private static String operator(String after) {
        for (String op : new String[] {"~~*", "!~~*", "!~~", "~~", "<>", "<=", ">=", "=", "<", ">", "IS"}) {
            if (after.startsWith(op)) {
                return op;
            }
        }
        return null;
    }

    /** The pattern of {@code ~~ 'abc%'::text}, unquoted, or null when the right side is not a literal. */
    private static String likePattern(String after, String op) {
        String rest = after.substring(op.length()).stripLeading();
        if (!rest.startsWith("'")) {
            return null;
        }
        int end = skipLiteral(rest, 0);
        return rest.substring(1, Math.max(1, end - 1)).replace("''", "'");
    }

    private static int skipLiteral(String s, int start) {
        int i = start + 1;
        while (i < s.length()) {
            if (s.charAt(i) == '\'') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return s.length();
    }

    private static String word(String s, int start) {
        if (s.charAt(start) == '"') {
            int end = s.indexOf('"', start + 1);
            return s.substring(start, end < 0 ? s.length() : end + 1);
        }
        return s.substring(start, endOfWord(s, start));
    }

    private static int endOfWord(String s, int start) {
        int i = start;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        return i == start ? start + 1 : i;
    }

    private static String unquote(String w) {
        return w.startsWith("\"") && w.endsWith("\"") && w.length() >= 2 ? w.substring(1, w.length() - 1) : w;
    }
}
