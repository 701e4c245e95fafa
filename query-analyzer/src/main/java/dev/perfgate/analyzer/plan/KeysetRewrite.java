package dev.perfgate.analyzer.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a deep {@code OFFSET} page as the keyset page it should be: {@code … ORDER BY wedding_date, id LIMIT 20
 * OFFSET 5000} becomes {@code … AND (wedding_date, id) > (:last_wedding_date, :last_id) ORDER BY wedding_date, id
 * LIMIT 20}, where the {@code :last_} values are the sort keys of the previous page's last row. A tie-breaking
 * {@code id} is added when the sort lacks one, so that no row is skipped or repeated. Only the plain form is
 * rewritten — one statement ending in {@code ORDER BY … LIMIT n OFFSET m}, all keys in one direction — else null.
 */
final class KeysetRewrite {
    private static final Pattern PAGE = Pattern.compile(
            "(?is)^(.*?)\\border\\s+by\\s+(.+?)\\s+limit\\s+(\\S+)\\s+offset\\s+\\S+\\s*;?\\s*$");
    private static final Pattern KEY = Pattern.compile("(?i)^((?:[A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*)"
            + "(\\s+(asc|desc))?$");

    private KeysetRewrite() {
    }

    static String rewrite(String sql) {
        if (sql == null) {
            return null;
        }
        Matcher m = PAGE.matcher(sql.strip());
        if (!m.matches()) {
            return null;
        }
        String head = m.group(1).stripTrailing();
        List<String> keys = new ArrayList<>();
        Boolean descending = null;
        for (String part : m.group(2).split(",")) {
            Matcher k = KEY.matcher(part.strip());
            if (!k.matches()) {
                return null; // an expression, NULLS FIRST/LAST: not the plain form
            }
            boolean desc = k.group(3) != null && k.group(3).equalsIgnoreCase("desc");
            if (descending != null && descending != desc) {
                return null; // mixed directions need a row comparison per key
            }
            descending = desc;
            keys.add(k.group(1));
        }
        if (keys.stream().noneMatch(k -> k.equalsIgnoreCase("id") || k.toLowerCase(Locale.ROOT).endsWith(".id"))) {
            String first = keys.getFirst();
            keys.add(first.contains(".") ? first.substring(0, first.indexOf('.') + 1) + "id" : "id");
        }
        boolean desc = Boolean.TRUE.equals(descending);
        String tuple = keys.size() == 1 ? keys.getFirst() : "(" + String.join(", ", keys) + ")";
        List<String> last = keys.stream().map(k -> ":last_" + k.substring(k.indexOf('.') + 1)).toList();
        String lastTuple = last.size() == 1 ? last.getFirst() : "(" + String.join(", ", last) + ")";
        String condition = tuple + (desc ? " < " : " > ") + lastTuple;
        boolean hasWhere = Pattern.compile("(?is)\\bwhere\\b").matcher(head).find();
        String order = String.join(", ", keys.stream().map(k -> k + (desc ? " DESC" : "")).toList());
        return head + (hasWhere ? " AND " : " WHERE ") + condition + " ORDER BY " + order + " LIMIT " + m.group(3);
    }
}
