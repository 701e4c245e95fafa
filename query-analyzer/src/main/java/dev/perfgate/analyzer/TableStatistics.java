package dev.perfgate.analyzer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What PostgreSQL's statistics tell the analyzer: value frequencies for the advisor, each table's writes. */
final class TableStatistics {
    private TableStatistics() {
    }

    /**
     * The share of rows holding a value, from {@code pg_stats}: its frequency among the most common values, else
     * what the other values share evenly. NaN where the column has no statistics.
     */
    static IndexAdvisor.Frequencies frequencies(Connection c) {
        return (table, column, value) -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT most_common_vals::text,"
                    + " most_common_freqs, n_distinct, null_frac FROM pg_stats WHERE schemaname = ? AND tablename = ?"
                    + " AND attname = ?")) {
                ps.setString(1, table.schema());
                ps.setString(2, table.name());
                ps.setString(3, column);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Double.NaN;
                    }
                    List<String> values = rs.getString(1) == null ? List.of() : pgArray(rs.getString(1));
                    Float[] freqs = rs.getArray(2) == null ? new Float[0] : (Float[]) rs.getArray(2).getArray();
                    double common = 0;
                    for (int i = 0; i < Math.min(values.size(), freqs.length); i++) {
                        if (values.get(i).equals(value)) {
                            return freqs[i];
                        }
                        common += freqs[i];
                    }
                    double nDistinct = rs.getDouble(3);
                    double distinct = nDistinct < 0 ? -nDistinct * table.rows() : nDistinct;
                    double others = distinct - values.size();
                    return others >= 1 ? Math.max(0, 1 - common - rs.getDouble(4)) / others : Double.NaN;
                }
            } catch (SQLException e) {
                return Double.NaN;
            } finally {
                IndexTrials.rollback(c);
            }
        };
    }

    /** The elements of a PostgreSQL array literal such as {@code {pending,"on hold"}}. */
    static List<String> pgArray(String literal) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 1; i < literal.length() - 1; i++) {
            char ch = literal.charAt(i);
            if (quoted) {
                if (ch == '\\' && i + 1 < literal.length() - 1) {
                    current.append(literal.charAt(++i));
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    current.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
                any = true;
            } else if (ch == ',') {
                out.add(current.toString());
                current.setLength(0);
                any = false;
            } else {
                current.append(ch);
                any = true;
            }
        }
        if (any || !out.isEmpty()) {
            out.add(current.toString());
        }
        return out;
    }

    /** Rows inserted, updated and deleted per table since the statistics were reset: what each index adds to. */
    static Map<String, Long> tableWrites(Connection c) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(
                "SELECT schemaname || '.' || relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }
}
