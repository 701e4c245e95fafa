package dev.perfgate.sut.domain;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.request.RequestContext;

/** A planner's inbox, newest first. */
public final class Notifications {
    public static final Map<String, Paging.SortKey> SORTS = Map.of(
            "createdAt", new Paging.SortKey("createdAt", "n.created_at", "timestamptz"));
    private final Database db;

    public Notifications(Database db) {
        this.db = db;
    }

    /** A page of notifications with the planner's unread count: the page's fields, then {@code unreadCount}. */
    public record NotificationPage(@JsonUnwrapped Page<Notification> page, long unreadCount) {
    }

    /** A notification. */
    public record Notification(long id, Long clientId, String kind, String message, OffsetDateTime createdAt,
                               OffsetDateTime readAt) {
        static Notification map(ResultSet rs) throws SQLException {
            return new Notification(rs.getLong("id"), Rows.nullableLong(rs, "client_id"), rs.getString("kind"),
                    rs.getString("message"), Rows.timestamp(rs, "created_at"), Rows.timestamp(rs, "read_at"));
        }
    }

    /** Returns a page of a planner's notifications, optionally unread only, with the unread count. */
    public NotificationPage list(RequestContext request, long userId, boolean unreadOnly, Paging.PageRequest page) throws SQLException {
        return db.read(request, c -> {
            if (!Rows.exists(c, "planners", userId)) {
                throw ApiException.notFound("user", userId);
            }
            Paging.Where where = new Paging.Where().and("n.user_id = ?", userId);
            if (unreadOnly) {
                where.and("n.read_at IS NULL");
            }
            Page<Notification> notifications = Paging.list(c, "n.id, n.client_id, n.kind, n.message, n.created_at,"
                    + " n.read_at", "notifications n", "n.id", where, page, Notification::map);
            return new NotificationPage(notifications, Rows.aggregate(c, "SELECT count(*) FROM notifications"
                    + " WHERE user_id = ? AND read_at IS NULL", List.of(userId), rs -> rs.getLong(1)));
        });
    }
}
