package dev.perfgate.sut.domain;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.request.RequestContext;

/**
 * A couple's budget: items with their vendor and payments, totals and a per-category breakdown.
 * Optimized: three statements whatever the number of items. Naive: the classic N+1, one vendor lookup and one
 * payments query per item.
 */
public final class BudgetItems {
    private static final String ITEM_COLUMNS = "b.id, b.client_id, b.category, b.description, b.estimated, b.actual,"
            + " b.vendor_id, b.version, b.updated_at";
    private final Database db;

    public BudgetItems(Database db) {
        this.db = db;
    }

    /** A payment against a budget item. */
    public record Payment(long id, BigDecimal amount, LocalDate paidOn, String method) {
        static Payment map(ResultSet rs) throws SQLException {
            return new Payment(rs.getLong("id"), rs.getBigDecimal("amount"), Rows.date(rs, "paid_on"),
                    rs.getString("method"));
        }
    }

    /** A budget line with its vendor (if booked) and payments. */
    public record Item(long id, long clientId, String category, String description, BigDecimal estimated,
                       BigDecimal actual, Long vendorId, String vendorName, BigDecimal paid, int version,
                       OffsetDateTime updatedAt, List<Payment> payments) {
    }

    /** A category's share of the budget. */
    public record CategoryTotal(String category, BigDecimal estimated, BigDecimal actual, BigDecimal paid) {
    }

    /** The whole budget view. */
    public record Budget(long clientId, BigDecimal budgetTotal, BigDecimal estimated, BigDecimal actual,
                         BigDecimal paid, BigDecimal remaining, List<CategoryTotal> byCategory, List<Item> items) {
    }

    /** The editable fields of a budget item. */
    public record ItemFields(String category, String description, BigDecimal estimated, BigDecimal actual,
                             Long vendorId) {
    }

    /** Returns a couple's budget. */
    public Budget budget(RequestContext request, long clientId) throws SQLException {
        return db.read(request, c -> {
            BigDecimal total = Rows.one(c, "SELECT budget_total FROM clients WHERE id = ?", List.of(clientId),
                    rs -> rs.getBigDecimal(1)).orElseThrow(() -> ApiException.notFound("client", clientId));
            List<Item> items = request.naive() ? itemsNaive(c, clientId) : itemsOptimized(c, clientId);
            return summarize(clientId, total, items);
        });
    }

    private static List<Item> itemsOptimized(Connection c, long clientId) throws SQLException {
        Map<Long, List<Payment>> payments = new LinkedHashMap<>();
        for (Object[] row : Rows.all(c, "SELECT p.id, p.amount, p.paid_on, p.method, p.budget_item_id FROM payments p"
                + " JOIN budget_items b ON b.id = p.budget_item_id WHERE b.client_id = ? ORDER BY p.paid_on, p.id",
                List.of(clientId), rs -> new Object[] {rs.getLong("budget_item_id"), Payment.map(rs)})) {
            payments.computeIfAbsent((Long) row[0], k -> new ArrayList<>()).add((Payment) row[1]);
        }
        return Rows.all(c, "SELECT " + ITEM_COLUMNS + ", v.name AS vendor_name FROM budget_items b"
                + " LEFT JOIN vendors v ON v.id = b.vendor_id WHERE b.client_id = ? ORDER BY b.category, b.id",
                List.of(clientId), rs -> item(rs, rs.getString("vendor_name"),
                        payments.getOrDefault(rs.getLong("id"), List.of())));
    }

    private static List<Item> itemsNaive(Connection c, long clientId) throws SQLException {
        List<Item> bare = Rows.all(c, "SELECT " + ITEM_COLUMNS + " FROM budget_items b WHERE b.client_id = ?"
                + " ORDER BY b.category, b.id", List.of(clientId), rs -> item(rs, null, List.of()));
        List<Item> items = new ArrayList<>(bare.size());
        for (Item i : bare) {
            String vendorName = i.vendorId() == null ? null : Rows.one(c, "SELECT name FROM vendors WHERE id = ?",
                    List.of(i.vendorId()), rs -> rs.getString(1)).orElse(null);
            List<Payment> payments = Rows.all(c, "SELECT id, amount, paid_on, method FROM payments"
                    + " WHERE budget_item_id = ? ORDER BY paid_on, id", List.of(i.id()), Payment::map);
            items.add(withDetails(i, vendorName, payments));
        }
        return items;
    }

    private static Item item(ResultSet rs, String vendorName, List<Payment> payments) throws SQLException {
        return withDetails(new Item(rs.getLong("id"), rs.getLong("client_id"), rs.getString("category"),
                rs.getString("description"), rs.getBigDecimal("estimated"), rs.getBigDecimal("actual"),
                Rows.nullableLong(rs, "vendor_id"), null, BigDecimal.ZERO, rs.getInt("version"),
                Rows.timestamp(rs, "updated_at"), List.of()), vendorName, payments);
    }

    private static Item withDetails(Item i, String vendorName, List<Payment> payments) {
        BigDecimal paid = payments.stream().map(Payment::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new Item(i.id(), i.clientId(), i.category(), i.description(), i.estimated(), i.actual(), i.vendorId(),
                vendorName, paid.setScale(2), i.version(), i.updatedAt(), payments);
    }

    private static Budget summarize(long clientId, BigDecimal total, List<Item> items) {
        Map<String, BigDecimal[]> byCategory = new LinkedHashMap<>();
        BigDecimal estimated = BigDecimal.ZERO.setScale(2);
        BigDecimal actual = BigDecimal.ZERO.setScale(2);
        BigDecimal paid = BigDecimal.ZERO.setScale(2);
        for (Item i : items) {
            estimated = estimated.add(i.estimated());
            actual = actual.add(i.actual());
            paid = paid.add(i.paid());
            BigDecimal[] sums = byCategory.computeIfAbsent(i.category(),
                    k -> new BigDecimal[] {BigDecimal.ZERO.setScale(2), BigDecimal.ZERO.setScale(2), BigDecimal.ZERO.setScale(2)});
            sums[0] = sums[0].add(i.estimated());
            sums[1] = sums[1].add(i.actual());
            sums[2] = sums[2].add(i.paid());
        }
        List<CategoryTotal> categories = new ArrayList<>();
        byCategory.forEach((k, v) -> categories.add(new CategoryTotal(k, v[0], v[1], v[2])));
        return new Budget(clientId, total, estimated, actual, paid, total.subtract(actual), categories, items);
    }

    /** Replaces a budget item's editable fields; with an expected version, a concurrent change answers 409. */
    public Written<Item> update(RequestContext request, long id, ItemFields f, Optional<Long> expectedVersion) throws SQLException {
        return db.inTransaction(request, c -> {
            if (f.vendorId() != null && !Rows.exists(c, "vendors", f.vendorId())) {
                throw ApiException.unprocessable("vendorId", "vendor " + f.vendorId() + " does not exist");
            }
            List<Object> params = new ArrayList<>(Arrays.asList(f.category(), f.description(), f.estimated(),
                    f.actual(), f.vendorId(), id));
            expectedVersion.ifPresent(params::add);
            Optional<Long> updated = Rows.one(c, "UPDATE budget_items SET category = ?, description = ?, estimated = ?,"
                    + " actual = ?, vendor_id = ?, version = version + 1, updated_at = now() WHERE id = ?"
                    + (expectedVersion.isPresent() ? " AND version = ?" : "")
                    + " RETURNING (SELECT org_id FROM clients WHERE id = budget_items.client_id)", params,
                    rs -> rs.getLong(1));
            if (updated.isEmpty()) {
                int version = Rows.one(c, "SELECT version FROM budget_items WHERE id = ?", List.of(id),
                        rs -> rs.getInt(1)).orElseThrow(() -> ApiException.notFound("budget item", id));
                throw ApiException.conflict("version", "budget item " + id + " is at version " + version + ", not "
                        + expectedVersion.orElseThrow() + "; reload and retry");
            }
            List<Payment> payments = Rows.all(c, "SELECT id, amount, paid_on, method FROM payments"
                    + " WHERE budget_item_id = ? ORDER BY paid_on, id", List.of(id), Payment::map);
            return new Written<>(Rows.one(c, "SELECT " + ITEM_COLUMNS + ", v.name AS vendor_name FROM budget_items b"
                    + " LEFT JOIN vendors v ON v.id = b.vendor_id WHERE b.id = ?", List.of(id),
                    rs -> item(rs, rs.getString("vendor_name"), payments)).orElseThrow(), updated.get());
        });
    }
}
