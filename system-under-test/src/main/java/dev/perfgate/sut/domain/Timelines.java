package dev.perfgate.sut.domain;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.request.RequestContext;

/**
 * A couple's timeline: tasks and vendor bookings in date order, paged. Optimized: one UNION query and a count.
 * Naive: tasks and bookings loaded whole, then one planner or vendor lookup per entry, merged and paged in memory.
 */
public final class Timelines {
    private final Database db;

    public Timelines(Database db) {
        this.db = db;
    }

    /** One entry: a task (title, status, assignee) or a booking (vendor, category, amount). */
    public record Entry(String type, long id, LocalDate date, String title, String status, Integer priority,
                        Long assigneeId, String assigneeName, Long vendorId, String category, BigDecimal amount) {
        static Entry map(ResultSet rs) throws SQLException {
            return new Entry(rs.getString("type"), rs.getLong("id"), Rows.date(rs, "date"), rs.getString("title"),
                    rs.getString("status"), Rows.nullableInt(rs, "priority"), Rows.nullableLong(rs, "assignee_id"),
                    rs.getString("assignee_name"), Rows.nullableLong(rs, "vendor_id"), rs.getString("category"),
                    rs.getBigDecimal("amount"));
        }
    }

    private static final String UNION = "SELECT 'task' AS type, t.id, t.due_date AS date, t.title, t.status,"
            + " t.priority::int AS priority, t.assignee_id, p.name AS assignee_name, NULL::bigint AS vendor_id,"
            + " NULL::text AS category, NULL::numeric AS amount"
            + " FROM tasks t LEFT JOIN planners p ON p.id = t.assignee_id WHERE t.client_id = ?"
            + " AND t.due_date BETWEEN ? AND ?"
            + " UNION ALL SELECT 'booking', b.id, b.event_date, v.name, b.status, NULL, NULL, NULL, b.vendor_id,"
            + " v.category, b.amount FROM bookings b JOIN vendors v ON v.id = b.vendor_id WHERE b.client_id = ?"
            + " AND b.event_date BETWEEN ? AND ?";

    /** One page of a couple's timeline: whose, their wedding date, then the page's fields as offset paging has them. */
    public record Timeline(long clientId, LocalDate weddingDate, List<Entry> items, int page, int size, long total,
                           boolean hasNext) {
    }

    /** Returns one page of the timeline between two dates (inclusive). */
    public Timeline timeline(RequestContext request, long clientId, LocalDate from, LocalDate to,
                                        int page, int size) throws SQLException {
        return db.read(request, c -> {
            Clients.Client client = Clients.require(c, clientId);
            List<Entry> items;
            long total;
            if (request.naive()) {
                List<Entry> all = naiveEntries(c, clientId, from, to);
                total = all.size();
                items = all.subList((int) Math.min(all.size(), (long) page * size),
                        (int) Math.min(all.size(), (long) page * size + size));
            } else {
                List<Object> params = List.of(clientId, from, to, clientId, from, to);
                List<Object> paged = new ArrayList<>(params);
                paged.add(size);
                paged.add((long) page * size);
                items = Rows.all(c, "SELECT * FROM (" + UNION + ") x ORDER BY date, type DESC, id LIMIT ? OFFSET ?",
                        paged, Entry::map);
                total = Rows.aggregate(c, "SELECT count(*) FROM (" + UNION + ") x", params, rs -> rs.getLong(1));
            }
            return new Timeline(clientId, client.weddingDate(), items, page, size, total,
                    (long) (page + 1) * size < total);
        });
    }

    private static List<Entry> naiveEntries(Connection c, long clientId, LocalDate from, LocalDate to)
            throws SQLException {
        List<Entry> out = new ArrayList<>();
        for (Entry t : Rows.all(c, "SELECT 'task' AS type, id, due_date AS date, title, status, priority::int AS priority,"
                + " assignee_id, NULL AS assignee_name, NULL::bigint AS vendor_id, NULL AS category, NULL::numeric AS amount"
                + " FROM tasks WHERE client_id = ? AND due_date BETWEEN ? AND ?", List.of(clientId, from, to), Entry::map)) {
            Optional<String> name = t.assigneeId() == null ? Optional.empty()
                    : Rows.one(c, "SELECT name FROM planners WHERE id = ?", List.of(t.assigneeId()), rs -> rs.getString(1));
            out.add(new Entry(t.type(), t.id(), t.date(), t.title(), t.status(), t.priority(), t.assigneeId(),
                    name.orElse(null), null, null, null));
        }
        for (Object[] b : Rows.all(c, "SELECT id, event_date, status, vendor_id, amount FROM bookings"
                + " WHERE client_id = ? AND event_date BETWEEN ? AND ?", List.of(clientId, from, to),
                rs -> new Object[] {rs.getLong(1), Rows.date(rs, "event_date"), rs.getString(3), rs.getLong(4),
                    rs.getBigDecimal(5)})) {
            String[] vendor = Rows.one(c, "SELECT name, category FROM vendors WHERE id = ?", List.of(b[3]),
                    rs -> new String[] {rs.getString(1), rs.getString(2)}).orElseThrow();
            out.add(new Entry("booking", (Long) b[0], (LocalDate) b[1], vendor[0], (String) b[2], null, null, null,
                    (Long) b[3], vendor[1], (BigDecimal) b[4]));
        }
        out.sort(Comparator.comparing(Entry::date).thenComparing(Entry::type, Comparator.reverseOrder())
                .thenComparingLong(Entry::id));
        return out;
    }
}
