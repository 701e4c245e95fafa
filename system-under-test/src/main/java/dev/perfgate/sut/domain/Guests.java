package dev.perfgate.sut.domain;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.request.RequestContext;

/** A couple's guest list (one row per household or single guest), paged, with RSVP totals. */
public final class Guests {
    public static final Set<String> RSVP = Set.of("pending", "accepted", "declined");
    public static final Map<String, Paging.SortKey> SORTS = Map.of(
            "id", new Paging.SortKey("id", "g.id", "bigint"),
            "name", new Paging.SortKey("name", "g.name", "text"));
    private final Database db;

    public Guests(Database db) {
        this.db = db;
    }

    /** A guest row. */
    public record Guest(long id, String name, String email, String rsvp, int partySize, String dietary,
                        Integer tableNo) {
        static Guest map(ResultSet rs) throws SQLException {
            return new Guest(rs.getLong("id"), rs.getString("name"), rs.getString("email"), rs.getString("rsvp"),
                    rs.getInt("party_size"), rs.getString("dietary"), Rows.nullableInt(rs, "table_no"));
        }
    }

    /** RSVP totals over the whole list (not just the page). */
    public record Totals(long households, long invited, long accepted, long declined, long pending) {
    }

    /** A page of guests with the couple's totals over all of them: the page's fields, then {@code totals}. */
    public record GuestPage(@JsonUnwrapped Page<Guest> page, Totals totals) {
    }

    /** Returns a page of guests and the list's totals. */
    public GuestPage list(RequestContext request, long clientId, Optional<String> rsvp, Paging.PageRequest page) throws SQLException {
        return db.read(request, c -> {
            Clients.require(c, clientId);
            Paging.Where where = new Paging.Where().and("g.client_id = ?", clientId);
            rsvp.ifPresent(r -> where.and("g.rsvp = ?", r));
            Page<Guest> guests = Paging.list(c, "g.id, g.name, g.email, g.rsvp, g.party_size, g.dietary,"
                    + " g.table_no", "guests g", "g.id", where, page, Guest::map);
            return new GuestPage(guests, Rows.aggregate(c, "SELECT count(*), coalesce(sum(party_size), 0),"
                    + " coalesce(sum(party_size) FILTER (WHERE rsvp = 'accepted'), 0),"
                    + " coalesce(sum(party_size) FILTER (WHERE rsvp = 'declined'), 0),"
                    + " coalesce(sum(party_size) FILTER (WHERE rsvp = 'pending'), 0) FROM guests WHERE client_id = ?",
                    List.of(clientId), rs -> new Totals(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5))));
        });
    }
}
