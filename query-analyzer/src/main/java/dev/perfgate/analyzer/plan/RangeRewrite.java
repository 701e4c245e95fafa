package dev.perfgate.analyzer.plan;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a day comparison on a cast column as the range the planner cannot derive: {@code created_at::date =
 * '2026-01-05'} (or {@code CAST(created_at AS date) = …}) becomes {@code created_at >= DATE '2026-01-05' AND
 * created_at < DATE '2026-01-05' + 1}, which an index on the bare column serves. Only this common form is
 * rewritten; anything else gets the advice without a rewritten statement.
 */
final class RangeRewrite {
    private RangeRewrite() {
    }

    /** Returns the statement with the comparison rewritten, or null when its text is not in the form handled. */
    static String rewrite(String sql, String column, String cast) {
        if (sql == null || !cast.replace(" ", "").equalsIgnoreCase("::date")) {
            return null;
        }
        String col = "((?:[A-Za-z_][A-Za-z0-9_]*\\.)?" + Pattern.quote(column) + ")";
        String day = "(?:DATE\\s*)?'(\\d{4}-\\d{2}-\\d{2})'(?:\\s*::\\s*date)?";
        Pattern[] forms = {
                Pattern.compile("(?i)" + col + "\\s*::\\s*date\\s*=\\s*" + day),
                Pattern.compile("(?i)CAST\\s*\\(\\s*" + col + "\\s+AS\\s+date\\s*\\)\\s*=\\s*" + day)};
        for (Pattern form : forms) {
            Matcher m = form.matcher(sql);
            if (m.find()) {
                String c = m.group(1);
                String d = m.group(2);
                return sql.substring(0, m.start()) + c + " >= DATE '" + d + "' AND " + c + " < DATE '" + d + "' + 1"
                        + sql.substring(m.end());
            }
        }
        return null;
    }
}
