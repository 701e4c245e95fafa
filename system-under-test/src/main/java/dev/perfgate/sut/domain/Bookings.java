package dev.perfgate.sut.domain;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.request.RequestContext;

/** Vendor bookings of a couple. */
public final class Bookings {
    public static final Set<String> STATUSES = Set.of("pending", "confirmed", "cancelled");
    private final Database db;

    public Bookings(Database db) {
        this.db = db;
    }

    /** A booking as stored. */
    public record Booking(long id, long clientId, long vendorId, LocalDate eventDate, String status, BigDecimal amount,
                          OffsetDateTime createdAt) {
        static Booking map(ResultSet rs) throws SQLException {
            return new Booking(rs.getLong("id"), rs.getLong("client_id"), rs.getLong("vendor_id"),
                    Rows.date(rs, "event_date"), rs.getString("status"), rs.getBigDecimal("amount"),
                    Rows.timestamp(rs, "created_at"));
        }
    }

    /**
     * Books a vendor for a couple (on the wedding date unless another is given) and records the analytics event.
     * A second active booking of the same vendor answers 409.
     */
    public Written<Booking> create(RequestContext request, long clientId, long vendorId, LocalDate eventDate, String status, BigDecimal amount)
            throws SQLException {
        return db.inTransaction(request, c -> {
            Clients.Client client = Clients.require(c, clientId);
            if (!Rows.exists(c, "vendors", vendorId)) {
                throw ApiException.unprocessable("vendorId", "vendor " + vendorId + " does not exist");
            }
            if (Rows.one(c, "SELECT 1 FROM bookings WHERE client_id = ? AND vendor_id = ? AND status <> 'cancelled'",
                    List.of(clientId, vendorId), rs -> 1).isPresent()) {
                throw ApiException.conflict("vendorId", "client " + clientId + " already has an active booking of vendor "
                        + vendorId);
            }
            LocalDate date = eventDate != null ? eventDate : client.weddingDate();
            Booking booking = Rows.one(c, "INSERT INTO bookings (client_id, vendor_id, event_date, status, amount,"
                    + " created_at) VALUES (?, ?, ?, ?, ?, now()) RETURNING id, client_id, vendor_id, event_date, status,"
                    + " amount, created_at", Arrays.asList(clientId, vendorId, date, status, amount), Booking::map)
                    .orElseThrow();
            Rows.one(c, "INSERT INTO analytics_events (org_id, client_id, vendor_id, event_type, occurred_at, amount)"
                    + " VALUES (?, ?, ?, 'booking_made', now(), ?) RETURNING id",
                    List.of(client.orgId(), clientId, vendorId, amount), rs -> rs.getLong(1));
            return new Written<>(booking, client.orgId());
        });
    }
}
