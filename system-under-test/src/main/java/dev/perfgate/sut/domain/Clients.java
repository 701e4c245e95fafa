package dev.perfgate.sut.domain;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.request.RequestContext;

/** Couples (clients) of a planning organization: list, detail with a summary, create and update. */
public final class Clients {
    public static final Set<String> STATUSES = Set.of("inquiry", "booked", "planning", "completed", "cancelled");
    public static final Map<String, Paging.SortKey> SORTS = Map.of(
            "weddingDate", new Paging.SortKey("weddingDate", "c.wedding_date", "date"),
            "createdAt", new Paging.SortKey("createdAt", "c.created_at", "timestamptz"),
            "name", new Paging.SortKey("name", "c.partner1_name", "text"),
            "id", new Paging.SortKey("id", "c.id", "bigint"));
    static final String COLUMNS = "c.id, c.org_id, c.partner1_name, c.partner2_name, c.email, c.phone, c.wedding_date,"
            + " c.status, c.city, c.guest_estimate, c.budget_total, c.created_at, c.updated_at, c.version";

    private final Database db;

    public Clients(Database db) {
        this.db = db;
    }

    /** A couple as stored. */
    public record Client(long id, long orgId, String partner1Name, String partner2Name, String email, String phone,
                         LocalDate weddingDate, String status, String city, int guestEstimate,
                         BigDecimal budgetTotal, OffsetDateTime createdAt, OffsetDateTime updatedAt, int version) {
        static Client map(ResultSet rs) throws SQLException {
            return new Client(rs.getLong("id"), rs.getLong("org_id"), rs.getString("partner1_name"),
                    rs.getString("partner2_name"), rs.getString("email"), rs.getString("phone"),
                    Rows.date(rs, "wedding_date"), rs.getString("status"), rs.getString("city"),
                    rs.getInt("guest_estimate"), rs.getBigDecimal("budget_total"), Rows.timestamp(rs, "created_at"),
                    Rows.timestamp(rs, "updated_at"), rs.getInt("version"));
        }
    }

    /** What a planner sees first when opening a couple. */
    public record Summary(String organization, long guestHouseholds, long guestsAttending, long openTasks,
                          long overdueTasks, BigDecimal budgetEstimated, BigDecimal budgetActual, BigDecimal paid,
                          long confirmedBookings, long pendingBookings) {
    }

    /** A couple with its summary (the client fields stay at the top level of the JSON). */
    public record Detail(@JsonUnwrapped Client client, Summary summary) {
    }

    /** The editable fields of a couple. */
    public record Fields(String partner1Name, String partner2Name, String email, String phone, LocalDate weddingDate,
                         String status, String city, int guestEstimate, BigDecimal budgetTotal) {
    }

    /** Lists an organization's couples, filtered and paged. */
    public Page<Client> list(RequestContext request, long orgId, Optional<String> status, Optional<String> q, Paging.PageRequest page)
            throws SQLException {
        return db.read(request, c -> {
            requireOrganization(c, orgId);
            Paging.Where where = new Paging.Where().and("c.org_id = ?", orgId);
            status.ifPresent(s -> where.and("c.status = ?", s));
            q.ifPresent(text -> {
                String like = "%" + Paging.likeLiteral(text) + "%";
                where.and("(c.partner1_name ILIKE ? OR c.partner2_name ILIKE ? OR c.email ILIKE ?)", like, like, like);
            });
            return Paging.list(c, COLUMNS, "clients c", "c.id", where, page, Client::map);
        });
    }

    /** Returns a couple with its summary: one statement, or six the naive way (one per figure). */
    public Detail detail(RequestContext request, long id) throws SQLException {
        return db.read(request, c -> request.naive() ? detailNaive(c, id) : detailOptimized(c, id));
    }

    private static Detail detailOptimized(Connection c, long id) throws SQLException {
        String sql = "SELECT " + COLUMNS + ", o.name AS org_name, g.households, g.attending, t.open_tasks,"
                + " t.overdue_tasks, b.estimated, b.actual, p.paid, bk.confirmed, bk.pending"
                + " FROM clients c JOIN organizations o ON o.id = c.org_id"
                + " CROSS JOIN LATERAL (SELECT count(*) AS households,"
                + "   coalesce(sum(party_size) FILTER (WHERE rsvp = 'accepted'), 0) AS attending"
                + "   FROM guests WHERE client_id = c.id) g"
                + " CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE status <> 'done') AS open_tasks,"
                + "   count(*) FILTER (WHERE status <> 'done' AND due_date < current_date) AS overdue_tasks"
                + "   FROM tasks WHERE client_id = c.id) t"
                + " CROSS JOIN LATERAL (SELECT coalesce(sum(estimated), 0) AS estimated,"
                + "   coalesce(sum(actual), 0) AS actual FROM budget_items WHERE client_id = c.id) b"
                + " CROSS JOIN LATERAL (SELECT coalesce(sum(pm.amount), 0) AS paid FROM payments pm"
                + "   JOIN budget_items bi ON bi.id = pm.budget_item_id WHERE bi.client_id = c.id) p"
                + " CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE status = 'confirmed') AS confirmed,"
                + "   count(*) FILTER (WHERE status = 'pending') AS pending FROM bookings WHERE client_id = c.id) bk"
                + " WHERE c.id = ?";
        try (PreparedStatement ps = Paging.prepare(c, sql, List.of(id)); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw ApiException.notFound("client", id);
            }
            return new Detail(Client.map(rs), new Summary(rs.getString("org_name"), rs.getLong("households"),
                    rs.getLong("attending"), rs.getLong("open_tasks"), rs.getLong("overdue_tasks"),
                    rs.getBigDecimal("estimated"), rs.getBigDecimal("actual"), rs.getBigDecimal("paid"),
                    rs.getLong("confirmed"), rs.getLong("pending")));
        }
    }

    private static Detail detailNaive(Connection c, long id) throws SQLException {
        Client client = require(c, id);
        List<Long> arg = List.of(id);
        String org = Rows.aggregate(c, "SELECT name FROM organizations WHERE id = ?", List.of(client.orgId()),
                rs -> rs.getString(1));
        long[] guests = Rows.aggregate(c, "SELECT count(*), coalesce(sum(party_size) FILTER (WHERE rsvp = 'accepted'), 0)"
                + " FROM guests WHERE client_id = ?", arg, rs -> new long[] {rs.getLong(1), rs.getLong(2)});
        long[] tasks = Rows.aggregate(c, "SELECT count(*) FILTER (WHERE status <> 'done'), count(*) FILTER"
                + " (WHERE status <> 'done' AND due_date < current_date) FROM tasks WHERE client_id = ?", arg,
                rs -> new long[] {rs.getLong(1), rs.getLong(2)});
        BigDecimal[] budget = Rows.aggregate(c, "SELECT coalesce(sum(estimated), 0), coalesce(sum(actual), 0)"
                + " FROM budget_items WHERE client_id = ?", arg,
                rs -> new BigDecimal[] {rs.getBigDecimal(1), rs.getBigDecimal(2)});
        BigDecimal paid = Rows.aggregate(c, "SELECT coalesce(sum(pm.amount), 0) FROM payments pm JOIN budget_items bi"
                + " ON bi.id = pm.budget_item_id WHERE bi.client_id = ?", arg, rs -> rs.getBigDecimal(1));
        long[] bookings = Rows.aggregate(c, "SELECT count(*) FILTER (WHERE status = 'confirmed'), count(*) FILTER"
                + " (WHERE status = 'pending') FROM bookings WHERE client_id = ?", arg,
                rs -> new long[] {rs.getLong(1), rs.getLong(2)});
        return new Detail(client, new Summary(org, guests[0], guests[1], tasks[0], tasks[1], budget[0], budget[1], paid,
                bookings[0], bookings[1]));
    }

    /** Finds a couple by id. */
    static Optional<Client> find(Connection c, long id) throws SQLException {
        return Rows.one(c, "SELECT " + COLUMNS + " FROM clients c WHERE c.id = ?", List.of(id), Client::map);
    }

    /** Creates a couple in an organization. */
    public Client create(RequestContext request, long orgId, Fields f) throws SQLException {
        return db.inTransaction(request, c -> {
            if (!Rows.exists(c, "organizations", orgId)) {
                throw ApiException.unprocessable("orgId", "organization " + orgId + " does not exist");
            }
            String sql = "INSERT INTO clients (org_id, partner1_name, partner2_name, email, phone, wedding_date, status,"
                    + " city, guest_estimate, budget_total, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    + " now(), now()) RETURNING " + COLUMNS.replace("c.", "");
            try (PreparedStatement ps = Paging.prepare(c, sql, java.util.Arrays.asList(orgId, f.partner1Name(),
                    f.partner2Name(), f.email(), f.phone(), f.weddingDate(), f.status(), f.city(), f.guestEstimate(),
                    f.budgetTotal())); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Client.map(rs);
            }
        });
    }

    /** Replaces a couple's editable fields; with an expected version, a concurrent change answers 409. */
    public Client update(RequestContext request, long id, Fields f, Optional<Long> expectedVersion) throws SQLException {
        return db.inTransaction(request, c -> {
            String sql = "UPDATE clients SET partner1_name = ?, partner2_name = ?, email = ?, phone = ?, wedding_date = ?,"
                    + " status = ?, city = ?, guest_estimate = ?, budget_total = ?, updated_at = greatest(now(), created_at),"
                    + " version = version + 1 WHERE id = ?" + (expectedVersion.isPresent() ? " AND version = ?" : "")
                    + " RETURNING " + COLUMNS.replace("c.", "");
            List<Object> params = new java.util.ArrayList<>(java.util.Arrays.asList(f.partner1Name(), f.partner2Name(),
                    f.email(), f.phone(), f.weddingDate(), f.status(), f.city(), f.guestEstimate(), f.budgetTotal(), id));
            expectedVersion.ifPresent(params::add);
            try (PreparedStatement ps = Paging.prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return Client.map(rs);
                }
            }
            Client current = find(c, id).orElseThrow(() -> ApiException.notFound("client", id));
            throw ApiException.conflict("version", "client " + id + " is at version " + current.version()
                    + ", not " + expectedVersion.orElseThrow() + "; reload and retry");
        });
    }

    static void requireOrganization(Connection c, long orgId) throws SQLException {
        if (!Rows.exists(c, "organizations", orgId)) {
            throw ApiException.notFound("organization", orgId);
        }
    }

    /** Requires a couple to exist and returns it. */
    static Client require(Connection c, long id) throws SQLException {
        return find(c, id).orElseThrow(() -> ApiException.notFound("client", id));
    }
}
