package dev.perfgate.sut.domain;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.request.RequestContext;

/** The vendor marketplace: search with filters and paging, and a vendor's page. */
public final class Vendors {
    public static final Set<String> CATEGORIES = Set.of("venue", "catering", "photography", "videography", "florist",
            "music", "officiant", "cake", "attire", "beauty", "transport", "rentals", "stationery");
    public static final Map<String, Paging.SortKey> SORTS = Map.of(
            "rating", new Paging.SortKey("rating", "v.rating", "numeric"),
            "name", new Paging.SortKey("name", "v.name", "text"),
            "priceTier", new Paging.SortKey("priceTier", "v.price_tier", "smallint"),
            "reviewCount", new Paging.SortKey("reviewCount", "v.review_count", "integer"),
            "id", new Paging.SortKey("id", "v.id", "bigint"));
    private static final String COLUMNS = "v.id, v.name, v.category, v.city, v.price_tier, v.rating, v.review_count,"
            + " v.email, v.created_at";
    private final Database db;

    public Vendors(Database db) {
        this.db = db;
    }

    /** A vendor as listed. */
    public record Vendor(long id, String name, String category, String city, int priceTier, BigDecimal rating,
                         int reviewCount, String email, OffsetDateTime createdAt) {
        static Vendor map(ResultSet rs) throws SQLException {
            return new Vendor(rs.getLong("id"), rs.getString("name"), rs.getString("category"), rs.getString("city"),
                    rs.getInt("price_tier"), rs.getBigDecimal("rating"), rs.getInt("review_count"), rs.getString("email"),
                    Rows.timestamp(rs, "created_at"));
        }
    }

    /** A review on a vendor's page. */
    public record Review(long id, int rating, String body, OffsetDateTime createdAt) {
    }

    /** A vendor's page: the vendor, its latest reviews and its booking counts. */
    public record Detail(Vendor vendor, List<Review> recentReviews, long confirmedBookings, long upcomingBookings) {
    }

    /**
     * Searches vendors. Naive: the page's ids first, then each vendor loaded by its own query (the N+1 the
     * statement statistics flag); optimized: one query for the page.
     */
    public Page<Vendor> search(RequestContext request, Optional<String> category, Optional<String> city,
                                      Optional<BigDecimal> minRating, Optional<String> q, Paging.PageRequest page) throws SQLException {
        return db.read(request, c -> {
            Paging.Where where = new Paging.Where();
            category.ifPresent(v -> where.and("v.category = ?", v));
            city.ifPresent(v -> where.and("v.city = ?", v));
            minRating.ifPresent(v -> where.and("v.rating >= ?", v));
            q.ifPresent(v -> where.and("v.name ILIKE ?", "%" + Paging.likeLiteral(v) + "%"));
            if (request.naive()) {
                return Paging.list(c, "v.id", "vendors v", "v.id", where, page, rs -> Rows.one(c,
                        "SELECT " + COLUMNS + " FROM vendors v WHERE v.id = ?", List.of(rs.getLong("id")), Vendor::map)
                        .orElseThrow());
            }
            return Paging.list(c, COLUMNS, "vendors v", "v.id", where, page, Vendor::map);
        });
    }

    /** Returns a vendor's page. */
    public Detail detail(RequestContext request, long id) throws SQLException {
        return db.read(request, c -> {
            Vendor vendor = Rows.one(c, "SELECT " + COLUMNS + " FROM vendors v WHERE v.id = ?", List.of(id), Vendor::map)
                    .orElseThrow(() -> ApiException.notFound("vendor", id));
            List<Review> reviews = Rows.all(c, "SELECT id, rating, body, created_at FROM reviews WHERE vendor_id = ?"
                    + " ORDER BY created_at DESC LIMIT 5", List.of(id), rs -> new Review(rs.getLong("id"),
                    rs.getInt("rating"), rs.getString("body"), Rows.timestamp(rs, "created_at")));
            long[] counts = Rows.aggregate(c, "SELECT count(*) FILTER (WHERE status = 'confirmed'),"
                    + " count(*) FILTER (WHERE status <> 'cancelled' AND event_date >= current_date)"
                    + " FROM bookings WHERE vendor_id = ?", List.of(id), rs -> new long[] {rs.getLong(1), rs.getLong(2)});
            return new Detail(vendor, reviews, counts[0], counts[1]);
        });
    }

    /** What a rating recomputation did: vendors examined and vendors whose rating or review count changed. */
    public record Recomputed(long vendors, long changed) {
    }

    /**
     * Recomputes every vendor's rating (mean review, 2 decimals; 0 without reviews) and review count from its
     * reviews, in one transaction. Naive: the per-row loop of a typical batch job — each vendor's figures read and
     * written by its own two statements; optimized: one set-based UPDATE that writes only the rows that change.
     */
    public Recomputed recomputeRatings(RequestContext request) throws SQLException {
        return db.inTransaction(request, c -> {
            if (request.naive()) {
                List<Long> ids = Rows.all(c, "SELECT id FROM vendors ORDER BY id", List.of(), rs -> rs.getLong(1));
                long changed = 0;
                for (long id : ids) {
                    Object[] figures = Rows.aggregate(c, "SELECT coalesce(round(avg(rating), 2), 0), count(*)"
                            + " FROM reviews WHERE vendor_id = ?", List.of(id),
                            rs -> new Object[] {rs.getBigDecimal(1), rs.getInt(2)});
                    try (var ps = Paging.prepare(c, "UPDATE vendors SET rating = ?, review_count = ? WHERE id = ?"
                            + " AND (rating, review_count) IS DISTINCT FROM (?, ?)",
                            List.of(figures[0], figures[1], id, figures[0], figures[1]))) {
                        changed += ps.executeUpdate();
                    }
                }
                return new Recomputed(ids.size(), changed);
            }
            long vendors = Rows.aggregate(c, "SELECT count(*) FROM vendors", List.of(), rs -> rs.getLong(1));
            try (var ps = c.prepareStatement("""
                    UPDATE vendors v SET rating = s.rating, review_count = s.reviews
                    FROM (SELECT v2.id, coalesce(round(avg(r.rating), 2), 0) AS rating, count(r.id)::int AS reviews
                          FROM vendors v2 LEFT JOIN reviews r ON r.vendor_id = v2.id GROUP BY v2.id) s
                    WHERE v.id = s.id AND (v.rating, v.review_count) IS DISTINCT FROM (s.rating, s.reviews)""")) {
                return new Recomputed(vendors, ps.executeUpdate());
            }
        });
    }
}
