package dev.perfgate.sut.domain;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small readers for nullable and typed columns. */
final class Rows {
    private Rows() {
    }

    static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    static LocalDate date(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, LocalDate.class);
    }

    static OffsetDateTime timestamp(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class);
    }

    /** Runs a query and maps its first row, if any. */
    static <T> Optional<T> one(Connection c, String sql, List<?> params, Paging.RowMapper<T> mapper)
            throws SQLException {
        try (PreparedStatement ps = Paging.prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(mapper.map(rs)) : Optional.empty();
        }
    }

    /** Runs a query and maps every row. */
    static <T> List<T> all(Connection c, String sql, List<?> params, Paging.RowMapper<T> mapper) throws SQLException {
        try (PreparedStatement ps = Paging.prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(mapper.map(rs));
            }
            return out;
        }
    }

    /** Runs an aggregate query that always returns exactly one row. */
    static <T> T aggregate(Connection c, String sql, List<?> params, Paging.RowMapper<T> mapper) throws SQLException {
        return one(c, sql, params, mapper).orElseThrow();
    }

    /** Returns whether a row with this id exists; {@code table} is one of the service's own, never user input. */
    static boolean exists(Connection c, String table, long id) throws SQLException {
        return one(c, "SELECT 1 FROM " + table + " WHERE id = ?", List.of(id), rs -> 1).isPresent();
    }
}
