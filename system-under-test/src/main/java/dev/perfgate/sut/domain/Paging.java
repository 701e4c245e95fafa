package dev.perfgate.sut.domain;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;


import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.contract.Json;

/**
 * Paged lists: offset paging ({@code page}, {@code size}; answers {@code total} and {@code hasNext}) and keyset
 * paging ({@code cursor}; answers {@code nextCursor}), sorted through a per-endpoint allow-list of keys.
 *
 * <p>Keyset pages seek with a row comparison {@code (sort column, id) > (?, ?)} on an index that starts with the
 * filter and the sort column, so page 1,000 costs what page 1 costs; offset pages read and discard every row
 * before them. The cursor names the sort it was made for, so it cannot be replayed under another sort.
 */
public final class Paging {
    public static final int MAX_SIZE = 100;
    public static final int MAX_PAGE = 10_000;

    private Paging() {
    }

    /** A sortable key of an endpoint: its API name, SQL column and the type its cursor value is cast to. */
    public record SortKey(String name, String column, String sqlType) {
    }

    /** A key and a direction. */
    public record Sort(SortKey key, boolean descending) {
        /** Returns the API form, e.g. {@code -weddingDate}. */
        public String apiName() {
            return (descending ? "-" : "") + key.name();
        }
    }

    /**
     * The position after the last row of a keyset page: the sort value and id of that row, and how many rows came
     * before the next page (which only the naive way's OFFSET needs).
     */
    public record Cursor(String sort, String value, long id, long position) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(this));
        }

        static Cursor decode(String raw) {
            try {
                Cursor c = Json.MAPPER.readValue(Base64.getUrlDecoder().decode(raw), Cursor.class);
                if (c == null || c.sort() == null || c.value() == null || c.id() <= 0 || c.position() <= 0) {
                    throw new IllegalArgumentException("incomplete");
                }
                return c;
            } catch (IllegalArgumentException | java.io.IOException e) {
                throw ApiException.badRequest("cursor", "cursor is not one this service issued; start again"
                        + " without it or with cursor= (empty) for the first keyset page");
            }
        }
    }

    /**
     * What page the client asked for. {@code offsetForCursor} is the naive counterpart of keyset paging: the same cursor
     * pages served with OFFSET (every row before the page read and discarded), so the two can be measured against
     * each other on identical responses.
     */
    public record PageRequest(Sort sort, int size, int page, boolean keyset, Optional<Cursor> cursor,
                              boolean offsetForCursor) {
    }

    /**
     * Builds a page request from raw parameters: {@code sort} from the allow-list ({@code -} for descending),
     * {@code size} 1..100, and either {@code page} (offset) or {@code cursor} (keyset; empty for the first page).
     */
    public static PageRequest request(Map<String, SortKey> allowed, String defaultSort, Optional<String> sortParam,
                                      int size, Optional<String> pageParam, Optional<String> cursorParam,
                                      boolean naive) {
        String raw = sortParam.orElse(defaultSort);
        boolean descending = raw.startsWith("-");
        SortKey key = allowed.get(descending ? raw.substring(1) : raw);
        if (key == null) {
            throw ApiException.badRequest("sort", "sort was \"" + raw + "\", must be one of "
                    + String.join(", ", allowed.keySet()) + " (prefix - for descending)");
        }
        Sort sort = new Sort(key, descending);
        if (cursorParam.isPresent()) {
            if (pageParam.isPresent()) {
                throw ApiException.badRequest("page", "page and cursor cannot be combined: page is offset paging,"
                        + " cursor is keyset paging");
            }
            Optional<Cursor> cursor = cursorParam.get().isEmpty() ? Optional.empty()
                    : Optional.of(Cursor.decode(cursorParam.get()));
            if (cursor.isPresent() && !cursor.get().sort().equals(sort.apiName())) {
                throw ApiException.badRequest("cursor", "cursor was made for sort " + cursor.get().sort()
                        + ", but sort is " + sort.apiName());
            }
            return new PageRequest(sort, size, 0, true, cursor, naive);
        }
        int page = 0;
        if (pageParam.isPresent()) {
            try {
                page = Integer.parseInt(pageParam.get());
            } catch (NumberFormatException e) {
                page = -1;
            }
            if (page < 0 || page > MAX_PAGE) {
                throw ApiException.badRequest("page", "page was \"" + pageParam.get() + "\", must be an integer from 0 to "
                        + MAX_PAGE + " (use cursor= for deep paging)");
            }
        }
        return new PageRequest(sort, size, page, false, Optional.empty(), naive);
    }

    /** SQL conditions joined by AND, with their bind values in order. */
    public static final class Where {
        private final List<String> conditions = new ArrayList<>();
        private final List<Object> params = new ArrayList<>();

        /** Adds a condition with its bind values. */
        public Where and(String condition, Object... values) {
            conditions.add(condition);
            params.addAll(List.of(values));
            return this;
        }

        String sql() {
            return conditions.isEmpty() ? "TRUE" : String.join(" AND ", conditions);
        }
    }

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /**
     * Runs a paged list query and returns the page: {@link Page.Numbered} for offset paging, {@link Page.AfterCursor}
     * for keyset paging.
     */
    public static <T> Page<T> list(Connection c, String select, String from, String idColumn, Where where,
                                   PageRequest p, RowMapper<T> mapper) throws SQLException {
        String dir = p.sort().descending() ? "DESC" : "ASC";
        String column = p.sort().key().column();
        String order = " ORDER BY " + column + " " + dir + ", " + idColumn + " " + dir;
        List<T> items = new ArrayList<>();
        if (p.keyset()) {
            List<Object> params = new ArrayList<>(where.params);
            String seek = "";
            String skip = "";
            long before = p.cursor().map(Cursor::position).orElse(0L);
            if (p.cursor().isPresent() && p.offsetForCursor()) {
                skip = " OFFSET ?";
            } else if (p.cursor().isPresent()) {
                seek = " AND (" + column + ", " + idColumn + ") " + (p.sort().descending() ? "<" : ">")
                        + " (CAST(? AS " + p.sort().key().sqlType() + "), ?)";
                params.add(p.cursor().get().value());
                params.add(p.cursor().get().id());
            }
            params.add(p.size() + 1);
            if (!skip.isEmpty()) {
                params.add(before);
            }
            String sql = "SELECT " + select + ", (" + column + ")::text AS sort_value, " + idColumn + " AS sort_id"
                    + " FROM " + from + " WHERE " + where.sql() + seek + order + " LIMIT ?" + skip;
            String lastValue = null;
            long lastId = 0;
            boolean hasNext = false;
            try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (items.size() == p.size()) {
                        hasNext = true;
                        break;
                    }
                    items.add(mapper.map(rs));
                    lastValue = rs.getString("sort_value");
                    lastId = rs.getLong("sort_id");
                }
            }
            return new Page.AfterCursor<>(items, p.size(), p.sort().apiName(), hasNext, hasNext
                    ? new Cursor(p.sort().apiName(), lastValue, lastId, before + items.size()).encode() : null);
        }
        List<Object> params = new ArrayList<>(where.params);
        params.add(p.size());
        params.add((long) p.page() * p.size());
        String sql = "SELECT " + select + " FROM " + from + " WHERE " + where.sql() + order + " LIMIT ? OFFSET ?";
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                items.add(mapper.map(rs));
            }
        }
        long total;
        try (PreparedStatement ps = prepare(c, "SELECT count(*) FROM " + from + " WHERE " + where.sql(), where.params);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            total = rs.getLong(1);
        }
        return new Page.Numbered<>(items, p.page(), p.size(), p.sort().apiName(), total,
                (long) (p.page() + 1) * p.size() < total);
    }

    /** Prepares a statement and binds the values in order. */
    public static PreparedStatement prepare(Connection c, String sql, List<?> params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < params.size(); i++) {
                ps.setObject(i + 1, params.get(i));
            }
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }

    /** Escapes LIKE wildcards in user text, for {@code ILIKE '%' || ? || '%'}. */
    public static String likeLiteral(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
