package dev.perfgate.sut.domain;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.request.RequestContext;

/** A couple's planning tasks: create and partial update. */
public final class Tasks {
    public static final Set<String> STATUSES = Set.of("todo", "in_progress", "done", "blocked");
    private static final String COLUMNS = "id, client_id, title, due_date, status, priority, assignee_id, created_at,"
            + " completed_at, version";
    private final Database db;

    public Tasks(Database db) {
        this.db = db;
    }

    /** A task as stored. */
    public record Task(long id, long clientId, String title, LocalDate dueDate, String status, int priority,
                       Long assigneeId, OffsetDateTime createdAt, OffsetDateTime completedAt, int version) {
        static Task map(ResultSet rs) throws SQLException {
            return new Task(rs.getLong("id"), rs.getLong("client_id"), rs.getString("title"), Rows.date(rs, "due_date"),
                    rs.getString("status"), rs.getInt("priority"), Rows.nullableLong(rs, "assignee_id"),
                    Rows.timestamp(rs, "created_at"), Rows.timestamp(rs, "completed_at"), rs.getInt("version"));
        }
    }

    /** A new task. */
    public record NewTask(String title, LocalDate dueDate, String status, int priority, Long assigneeId) {
    }

    /** A partial update: empty fields stay as they are; {@code clearAssignee} unassigns. */
    public record Patch(Optional<String> title, Optional<LocalDate> dueDate, Optional<String> status,
                        Optional<Integer> priority, Optional<Long> assigneeId, boolean clearAssignee,
                        Optional<Long> expectedVersion) {
    }

    /** Creates a task for a couple. */
    public Written<Task> create(RequestContext request, long clientId, NewTask t) throws SQLException {
        return db.inTransaction(request, c -> {
            Clients.Client client = Clients.require(c, clientId);
            if (t.assigneeId() != null) {
                requirePlannerOfOrg(c, t.assigneeId(), client.orgId());
            }
            return new Written<>(Rows.one(c, "INSERT INTO tasks (client_id, title, due_date, status, priority,"
                    + " assignee_id, created_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, now(),"
                    + " CASE WHEN ? = 'done' THEN now() END) RETURNING " + COLUMNS, Arrays.asList(clientId, t.title(),
                    t.dueDate(), t.status(), t.priority(), t.assigneeId(), t.status()), Task::map).orElseThrow(),
                    client.orgId());
        });
    }

    /**
     * Applies a partial update; marking a task done stamps its completion time, reopening clears it. The update is one
     * statement in autocommit: the task's row is locked only while the UPDATE runs, however long the service takes
     * to get back to the request. Assigning a planner first checks that the planner belongs to the couple's
     * organization (after the task's existence and version, as the errors have always come); the UPDATE's own version
     * test still decides a race with another writer.
     */
    public Written<Task> patch(RequestContext request, long id, Patch p) throws SQLException {
        return db.autocommit(request, c -> {
            if (p.assigneeId().isPresent()) {
                Current current = Rows.one(c, "SELECT t.version, c.org_id FROM tasks t JOIN clients c ON c.id = t.client_id"
                        + " WHERE t.id = ?", List.of(id), rs -> new Current(rs.getInt(1), rs.getLong(2)))
                        .orElseThrow(() -> ApiException.notFound("task", id));
                if (p.expectedVersion().isPresent() && p.expectedVersion().get() != current.version()) {
                    throw staleVersion(id, current.version(), p.expectedVersion().get());
                }
                requirePlannerOfOrg(c, p.assigneeId().get(), current.orgId());
            }
            long[] org = new long[1];
            Optional<Task> updated = Rows.one(c, "UPDATE tasks SET title = COALESCE(?::text, title),"
                    + " due_date = COALESCE(?::date, due_date), status = COALESCE(?::text, status),"
                    + " priority = COALESCE(?::smallint, priority),"
                    + " assignee_id = CASE WHEN ?::boolean THEN NULL ELSE COALESCE(?::bigint, assignee_id) END,"
                    + " completed_at = CASE WHEN COALESCE(?::text, status) <> 'done' THEN NULL"
                    + " WHEN COALESCE(?::text, status) = status THEN completed_at ELSE now() END,"
                    + " version = version + 1 WHERE id = ? AND (?::integer IS NULL OR version = ?::integer)"
                    + " RETURNING " + COLUMNS + ", (SELECT org_id FROM clients WHERE id = tasks.client_id) AS org_id",
                    Arrays.asList(p.title().orElse(null), p.dueDate().orElse(null), p.status().orElse(null),
                            p.priority().orElse(null), p.clearAssignee(), p.assigneeId().orElse(null),
                            p.status().orElse(null), p.status().orElse(null), id, p.expectedVersion().orElse(null),
                            p.expectedVersion().orElse(null)), rs -> {
                        org[0] = rs.getLong("org_id");
                        return Task.map(rs);
                    });
            if (updated.isPresent()) {
                return new Written<>(updated.get(), org[0]);
            }
            // nothing updated: no such task, or another version than the client read (the rare path says which)
            int version = Rows.one(c, "SELECT version FROM tasks WHERE id = ?", List.of(id), rs -> rs.getInt(1))
                    .orElseThrow(() -> ApiException.notFound("task", id));
            throw staleVersion(id, version, p.expectedVersion().orElseThrow());
        });
    }

    /** A task's current version and its couple's organization, read before assigning a planner. */
    private record Current(int version, long orgId) {
    }

    private static ApiException staleVersion(long id, int current, long expected) {
        return ApiException.conflict("version", "task " + id + " is at version " + current + ", not " + expected
                + "; reload and retry");
    }

    private static void requirePlannerOfOrg(Connection c, long plannerId, long orgId) throws SQLException {
        Optional<Long> org = Rows.one(c, "SELECT org_id FROM planners WHERE id = ?", List.of(plannerId),
                rs -> rs.getLong(1));
        if (org.isEmpty()) {
            throw ApiException.unprocessable("assigneeId", "planner " + plannerId + " does not exist");
        }
        if (org.get() != orgId) {
            throw ApiException.unprocessable("assigneeId", "planner " + plannerId + " belongs to organization "
                    + org.get() + ", not to the couple's organization " + orgId);
        }
    }
}
