package dev.perfgate.analyzer.plan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the rules and the index advisor need to know about the database beyond the plan: each table's size and
 * statistics freshness, its columns, its indexes (as column lists) and its foreign keys. Read from the catalog in
 * three queries; tables are keyed by {@code schema.name} and, for the schemas on the search path, by bare name too.
 */
public final class Schema {
    /** A table's figures: estimated rows, pages, and rows changed since its statistics were gathered. */
    public record Table(String schema, String name, double rows, long pages, long modifiedSinceAnalyze,
                        boolean everAnalyzed, Set<String> columns) {
        public String qualified() {
            return schema + "." + name;
        }
    }

    /**
     * An index as its key columns, in order; an expression column is {@code null}. {@code predicate} is the WHERE of
     * a partial index, or null.
     */
    public record Index(String table, String name, List<String> columns, boolean unique, String predicate) {
        /** Returns whether the index's leading columns are exactly {@code leading}, in order. */
        public boolean leadsWith(List<String> leading) {
            return columns.size() >= leading.size() && columns.subList(0, leading.size()).equals(leading);
        }
    }

    /** A foreign key's referencing columns and the table they reference. */
    public record ForeignKey(String table, String name, List<String> columns, String referencedTable) {
    }

    private final Map<String, Table> tables;
    private final Map<String, List<Index>> indexes;
    private final Map<String, List<ForeignKey>> foreignKeys;

    public Schema(Map<String, Table> tables, Map<String, List<Index>> indexes, Map<String, List<ForeignKey>> foreignKeys) {
        this.tables = tables;
        this.indexes = indexes;
        this.foreignKeys = foreignKeys;
    }

    /** Reads the user tables (not pg_catalog, not information_schema) of the connection's database. */
    public static Schema load(Connection c) throws SQLException {
        Map<String, Table> tables = new HashMap<>();
        Map<String, Set<String>> columns = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT n.nspname, c.relname, a.attname
                FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
                  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
                ORDER BY a.attnum""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                columns.computeIfAbsent(rs.getString(1) + "." + rs.getString(2), k -> new LinkedHashSet<>())
                        .add(rs.getString(3));
            }
        }
        Set<String> searchPath = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT unnest(current_schemas(false))");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                searchPath.add(rs.getString(1));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT n.nspname, c.relname, greatest(c.reltuples, 0), c.relpages,
                       coalesce(s.n_mod_since_analyze, 0), coalesce(s.last_analyze, s.last_autoanalyze) IS NOT NULL
                          OR c.reltuples >= 0
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
                WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg_toast%'""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String key = rs.getString(1) + "." + rs.getString(2);
                Table t = new Table(rs.getString(1), rs.getString(2), rs.getDouble(3), rs.getLong(4), rs.getLong(5),
                        rs.getBoolean(6), Set.copyOf(columns.getOrDefault(key, Set.of())));
                tables.put(key, t);
            }
        }
        Map<String, List<Index>> indexes = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT n.nspname || '.' || t.relname, i.relname, x.indisunique, pg_get_expr(x.indpred, x.indrelid),
                       array(SELECT a.attname FROM unnest(x.indkey[0:x.indnkeyatts - 1]) WITH ORDINALITY k(attnum, ord)
                             LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                             ORDER BY k.ord)
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
                  AND x.indisvalid""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                List<String> cols = Arrays.asList((String[]) rs.getArray(5).getArray());
                indexes.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                        .add(new Index(rs.getString(1), rs.getString(2), cols, rs.getBoolean(3), rs.getString(4)));
            }
        }
        Map<String, List<ForeignKey>> fks = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT n.nspname || '.' || t.relname, k.conname, rn.nspname || '.' || r.relname,
                       array(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(attnum, ord)
                             JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.ord)
                FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
                WHERE k.contype = 'f' AND n.nspname NOT IN ('pg_catalog', 'information_schema')""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                fks.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new ForeignKey(rs.getString(1),
                        rs.getString(2), List.of((String[]) rs.getArray(4).getArray()), rs.getString(3)));
            }
        }
        // EXPLAIN without VERBOSE names relations without their schema: a bare name resolves through the search
        // path (first schema wins), else to the one table of that name in any schema
        Map<String, Long> bareCounts = new HashMap<>();
        tables.values().forEach(t -> bareCounts.merge(t.name(), 1L, Long::sum));
        for (Table t : new ArrayList<>(tables.values())) {
            if (bareCounts.get(t.name()) == 1) {
                tables.put(t.name(), t);
            }
        }
        // bare names resolve through the search path, first schema wins
        List<String> path = new ArrayList<>(searchPath);
        for (int i = path.size() - 1; i >= 0; i--) {
            String prefix = path.get(i) + ".";
            for (Map.Entry<String, Table> e : new ArrayList<>(tables.entrySet())) {
                if (e.getKey().startsWith(prefix) && e.getKey().indexOf('.') == prefix.length() - 1) {
                    tables.put(e.getValue().name(), e.getValue());
                }
            }
        }
        return new Schema(tables, indexes, fks);
    }

    /** Returns the table a plan node scans, or null when the catalog does not know it. */
    public Table table(PlanNode node) {
        if (node.relation() == null) {
            return null;
        }
        Table t = node.schema() == null ? null : tables.get(node.schema() + "." + node.relation());
        return t != null ? t : tables.get(node.relation());
    }

    /** Returns a table by {@code schema.name} or bare name, or null. */
    public Table table(String name) {
        return tables.get(name);
    }

    public List<Index> indexes(Table table) {
        return indexes.getOrDefault(table.qualified(), List.of());
    }

    public List<ForeignKey> foreignKeys(Table table) {
        return foreignKeys.getOrDefault(table.qualified(), List.of());
    }

    /** Returns whether some index of the table has {@code column} as its first key column. */
    public boolean leadsAnIndex(Table table, String column) {
        return indexes(table).stream().anyMatch(i -> i.predicate() == null && i.leadsWith(List.of(column)));
    }

    /** Returns whether {@code column} is a key column of any index of the table (in any position). */
    public boolean inAnIndex(Table table, String column) {
        return indexes(table).stream().anyMatch(i -> i.columns().contains(column));
    }
}
