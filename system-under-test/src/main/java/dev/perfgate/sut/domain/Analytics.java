package dev.perfgate.sut.domain;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.request.RequestContext;

/** An organization's dashboard and vendor analytics: aggregate queries over its couples. */
public final class Analytics {
    private final Database db;

    public Analytics(Database db) {
        this.db = db;
    }

    /** A month and a figure. */
    public record MonthValue(String month, long count, BigDecimal amount) {
    }

    /** A category and a figure. */
    public record CategoryValue(String category, long bookings, BigDecimal amount) {
    }

    /** The organization a report is about. */
    public record Organization(long id, String name, String city) {
    }

    /** Budget totals over all of an organization's couples. */
    public record BudgetTotals(BigDecimal estimated, BigDecimal actual) {
    }

    /** Open work over all of an organization's couples. */
    public record TaskTotals(long open, long overdue, long blocked) {
    }

    /** A vendor's record with the organization's couples. */
    public record VendorStat(long vendorId, String name, String category, String city, BigDecimal rating,
                             long bookings, BigDecimal amount) {
    }

    /** The planner's dashboard of an organization. */
    public record Dashboard(Organization organization, Map<String, Long> clientsByStatus, long clients,
                            List<MonthValue> upcomingWeddings, List<MonthValue> bookingsByMonth, BudgetTotals budget,
                            TaskTotals tasks, List<CategoryValue> topCategories) {
    }

    /** An organization's vendors: the most booked, and the spend per category. */
    public record VendorReport(Organization organization, List<VendorStat> topVendors,
                               List<CategoryValue> spendByCategory) {
    }

    /** Returns the planner's dashboard: pipeline by status, upcoming weddings, bookings revenue, budget, tasks. */
    public Dashboard dashboard(RequestContext request, long orgId) throws SQLException {
        return db.read(request, c -> {
            Organization organization = organization(c, orgId);
            Map<String, Long> byStatus = new LinkedHashMap<>();
            for (Object[] row : Rows.all(c, "SELECT status, count(*) FROM clients WHERE org_id = ? GROUP BY status"
                    + " ORDER BY status", List.of(orgId), rs -> new Object[] {rs.getString(1), rs.getLong(2)})) {
                byStatus.put((String) row[0], (Long) row[1]);
            }
            LocalDate today = LocalDate.now();
            List<MonthValue> upcoming = Rows.all(c, "SELECT to_char(date_trunc('month', wedding_date), 'YYYY-MM'),"
                    + " count(*), sum(budget_total) FROM clients WHERE org_id = ? AND wedding_date >= ?"
                    + " AND wedding_date < ? AND status <> 'cancelled' GROUP BY 1 ORDER BY 1",
                    List.of(orgId, today, today.plusMonths(12)),
                    rs -> new MonthValue(rs.getString(1), rs.getLong(2), rs.getBigDecimal(3)));
            List<MonthValue> bookings = Rows.all(c, "SELECT to_char(date_trunc('month', b.created_at), 'YYYY-MM'),"
                    + " count(*), sum(b.amount) FROM bookings b JOIN clients cl ON cl.id = b.client_id"
                    + " WHERE cl.org_id = ? AND b.status <> 'cancelled' AND b.created_at >= ? GROUP BY 1 ORDER BY 1",
                    List.of(orgId, today.minusMonths(24).atStartOfDay().atOffset(java.time.ZoneOffset.UTC)),
                    rs -> new MonthValue(rs.getString(1), rs.getLong(2), rs.getBigDecimal(3)));
            BudgetTotals budget = Rows.aggregate(c, "SELECT coalesce(sum(b.estimated), 0), coalesce(sum(b.actual), 0)"
                    + " FROM budget_items b JOIN clients cl ON cl.id = b.client_id WHERE cl.org_id = ?",
                    List.of(orgId), rs -> new BudgetTotals(rs.getBigDecimal(1), rs.getBigDecimal(2)));
            TaskTotals tasks = Rows.aggregate(c, "SELECT count(*) FILTER (WHERE t.status <> 'done'),"
                    + " count(*) FILTER (WHERE t.status <> 'done' AND t.due_date < current_date),"
                    + " count(*) FILTER (WHERE t.status = 'blocked') FROM tasks t JOIN clients cl ON cl.id = t.client_id"
                    + " WHERE cl.org_id = ?", List.of(orgId),
                    rs -> new TaskTotals(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
            List<CategoryValue> topCategories = Rows.all(c, "SELECT v.category, count(*), sum(b.amount) FROM bookings b"
                    + " JOIN clients cl ON cl.id = b.client_id JOIN vendors v ON v.id = b.vendor_id"
                    + " WHERE cl.org_id = ? AND b.status <> 'cancelled' GROUP BY v.category ORDER BY 3 DESC LIMIT 5",
                    List.of(orgId), rs -> new CategoryValue(rs.getString(1), rs.getLong(2), rs.getBigDecimal(3)));
            return new Dashboard(organization, byStatus, byStatus.values().stream().mapToLong(Long::longValue).sum(),
                    upcoming, bookings, budget, tasks, topCategories);
        });
    }

    /** Returns the organization's top vendors by bookings and its spend per category. */
    public VendorReport vendors(RequestContext request, long orgId) throws SQLException {
        return db.read(request, c -> {
            Organization organization = organization(c, orgId);
            List<VendorStat> topVendors = Rows.all(c, "SELECT v.id, v.name, v.category, v.city, v.rating, count(*),"
                    + " sum(b.amount) FROM bookings b JOIN clients cl ON cl.id = b.client_id"
                    + " JOIN vendors v ON v.id = b.vendor_id WHERE cl.org_id = ? AND b.status <> 'cancelled'"
                    + " GROUP BY v.id ORDER BY count(*) DESC, sum(b.amount) DESC, v.id LIMIT 20", List.of(orgId),
                    rs -> new VendorStat(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getBigDecimal(5), rs.getLong(6), rs.getBigDecimal(7)));
            return new VendorReport(organization, topVendors, Rows.all(c, "SELECT v.category, count(*), sum(b.amount) FROM bookings b"
                    + " JOIN clients cl ON cl.id = b.client_id JOIN vendors v ON v.id = b.vendor_id"
                    + " WHERE cl.org_id = ? AND b.status <> 'cancelled' GROUP BY v.category ORDER BY 3 DESC",
                    List.of(orgId), rs -> new CategoryValue(rs.getString(1), rs.getLong(2), rs.getBigDecimal(3))));
        });
    }

    private static Organization organization(Connection c, long orgId) throws SQLException {
        return Rows.one(c, "SELECT id, name, city FROM organizations WHERE id = ?", List.of(orgId),
                rs -> new Organization(rs.getLong(1), rs.getString(2), rs.getString(3)))
                .orElseThrow(() -> ApiException.notFound("organization", orgId));
    }
}
