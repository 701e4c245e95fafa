package dev.perfgate.sut.domain;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
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
     *
     * <p>One statement in autocommit: the checks (the couple, the vendor, no active booking of it) and both inserts
     * are one round trip, so no transaction stays open while the request waits for the service to run it again (on a
     * saturated machine that wait held pooled connections for hundreds of milliseconds). Two bookings racing past
     * the check meet the unique index of active bookings; the loser's 23505 answers 409 too.
     */
    public Written<Booking> create(RequestContext request, long clientId, long vendorId, LocalDate eventDate, String status, BigDecimal amount)
            throws SQLException {
        return db.autocommit(request, c -> {
            Booked booked = Rows.one(c, """
                    WITH client AS (SELECT id, org_id, wedding_date FROM clients WHERE id = ?),
                         vendor AS (SELECT id FROM vendors WHERE id = ?),
                         active AS (SELECT 1 FROM bookings WHERE client_id = ? AND vendor_id = ? AND status <> 'cancelled'
                                    LIMIT 1),
                         booking AS (INSERT INTO bookings (client_id, vendor_id, event_date, status, amount, created_at)
                                     SELECT client.id, vendor.id, coalesce(?::date, client.wedding_date), ?::text,
                                            ?::numeric, now()
                                     FROM client, vendor WHERE NOT EXISTS (SELECT 1 FROM active)
                                     RETURNING id, client_id, vendor_id, event_date, status, amount, created_at),
                         event AS (INSERT INTO analytics_events (org_id, client_id, vendor_id, event_type, occurred_at,
                                                                 amount)
                                   SELECT client.org_id, booking.client_id, booking.vendor_id, 'booking_made', now(),
                                          booking.amount
                                   FROM booking, client)
                    SELECT EXISTS (SELECT 1 FROM client) AS client_found, EXISTS (SELECT 1 FROM vendor) AS vendor_found,
                           (SELECT org_id FROM client) AS org_id, booking.*
                    FROM (SELECT 1) AS one LEFT JOIN booking ON true""",
                    Arrays.asList(clientId, vendorId, clientId, vendorId, eventDate, status, amount),
                    rs -> new Booked(rs.getBoolean("client_found"), rs.getBoolean("vendor_found"), rs.getLong("org_id"),
                            rs.getObject("id") == null ? null : Booking.map(rs))).orElseThrow();
            if (!booked.clientFound()) {
                throw ApiException.notFound("client", clientId);
            }
            if (!booked.vendorFound()) {
                throw ApiException.unprocessable("vendorId", "vendor " + vendorId + " does not exist");
            }
            if (booked.booking() == null) {
                throw ApiException.conflict("vendorId", "client " + clientId + " already has an active booking of vendor "
                        + vendorId);
            }
            return new Written<>(booked.booking(), booked.orgId());
        });
    }

    /** What the booking statement found and did: the booking is null when an active one already existed. */
    private record Booked(boolean clientFound, boolean vendorFound, long orgId, Booking booking) {
    }
}
