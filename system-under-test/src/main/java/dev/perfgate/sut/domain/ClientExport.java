package dev.perfgate.sut.domain;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.contract.Json;
import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.request.RequestContext;

/**
 * Every couple of an organization with its budget totals, streamed in constant memory: the rows come from a
 * server-side cursor ({@code fetchSize} rows at a time inside a read-only transaction), each row is written by a
 * streaming generator (Jackson's JSON or CSV) as it arrives, and the output is flushed after every fetch, so neither
 * the result nor the document is ever held whole whatever the organization's size.
 *
 * <p>The transaction is REPEATABLE READ: the row count taken first ({@code X-Export-Rows}) and the rows streamed
 * after it come from one snapshot, so a client can check that it received everything. If the client goes away, the
 * next write fails, the cursor is closed and the connection goes back to the pool (rolled back) at once.
 *
 * <p>If the database fails after the first byte, the body cannot become an error response any more. The stream then
 * ends without its closing parts and the connection is closed without HTTP's last chunk: {@code json} is left an
 * unterminated array (no {@code ]}), {@code ndjson} gets a last line {@code {"error":"export_failed",...}} first, and
 * {@code csv} simply ends, so in every format an HTTP client sees a truncated response.
 */
public final class ClientExport implements AutoCloseable {
    /** The formats, with their media types and file extensions. */
    public enum Format {
        JSON("application/json"), NDJSON("application/x-ndjson"), CSV("text/csv; charset=utf-8; header=present");

        private final String contentType;

        Format(String contentType) {
            this.contentType = contentType;
        }

        public String contentType() {
            return contentType;
        }

        public String extension() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Column names: CSV's header and the JSON field names, in order. */
    public static final List<String> COLUMNS = List.of("id", "partner1Name", "partner2Name", "email", "phone",
            "weddingDate", "status", "city", "guestEstimate", "budgetTotal", "budgetEstimated", "budgetActual",
            "budgetItems", "createdAt", "updatedAt");

    // the wedding-date index of the organization delivers rows already in order, so the first row needs no sort;
    // each couple's budget totals come from its own budget lines through the client index as the row is produced
    private static final String ROWS = "SELECT c.id, c.partner1_name, c.partner2_name, c.email, c.phone,"
            + " c.wedding_date, c.status, c.city, c.guest_estimate, c.budget_total, coalesce(b.estimated, 0),"
            + " coalesce(b.actual, 0), coalesce(b.items, 0), c.created_at, c.updated_at"
            + " FROM clients c LEFT JOIN LATERAL (SELECT sum(estimated) AS estimated, sum(actual) AS actual,"
            + " count(*) AS items FROM budget_items WHERE client_id = c.id) b ON true"
            + " WHERE c.org_id = ? ORDER BY c.wedding_date, c.id";
    private static final CsvFactory CSV = new CsvFactory();
    private static final CsvSchema CSV_SCHEMA = CsvSchema.builder().setLineSeparator("\r\n").build();

    /** The last line of an NDJSON export the database stopped: what went wrong and how many rows came before. */
    public record Failed(String error, String message, long rowsWritten) {
    }

    private final Connection connection;
    private final PreparedStatement statement;
    private final long orgId;
    private final long rows;
    /** Rows between flushes: a fetch's worth, or never for the naive in-memory way. */
    private final int flushEvery;
    private ResultSet cursor;

    private ClientExport(Connection connection, PreparedStatement statement, long orgId, long rows, int fetchSize) {
        this.connection = connection;
        this.statement = statement;
        this.orgId = orgId;
        this.rows = rows;
        this.flushEvery = fetchSize > 0 ? fetchSize : Integer.MAX_VALUE;
    }

    /**
     * Opens an export: borrows a read connection, starts the snapshot, checks the organization and counts its rows.
     * Every failure here is an ordinary error response; the caller must {@link #close()} what it gets.
     *
     * @param fetchSize rows per fetch from the cursor; 0 is the naive way: pgjdbc then reads the
     *                  whole result into memory before the first row is handed over
     */
    public static ClientExport open(RequestContext request, Database db, long orgId, int fetchSize)
            throws SQLException {
        Connection c = db.readConnection(request);
        try {
            c.setAutoCommit(false); // pgjdbc only uses a cursor (fetchSize) inside a transaction
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try (Statement s = c.createStatement()) {
                // the stream may take minutes for a big organization and sits idle while a slow client reads;
                // the per-statement timeout still bounds every fetch
                s.execute("SET LOCAL idle_in_transaction_session_timeout = 0");
            }
            long count;
            try (PreparedStatement p = c.prepareStatement("SELECT (SELECT count(*) FROM clients WHERE org_id = o.id)"
                    + " FROM organizations o WHERE o.id = ?")) {
                p.setLong(1, orgId);
                try (ResultSet rs = p.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.notFound("organization", orgId);
                    }
                    count = rs.getLong(1);
                }
            }
            PreparedStatement rowsStatement = c.prepareStatement(ROWS, ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY);
            rowsStatement.setFetchSize(fetchSize);
            rowsStatement.setLong(1, orgId);
            ClientExport export = new ClientExport(c, rowsStatement, orgId, count, fetchSize);
            // the first fetch runs the query (and any sort it needs) here, so that its failure, a statement timeout
            // say, is still an ordinary error response rather than a stream cut off before its first byte
            export.cursor = rowsStatement.executeQuery();
            return export;
        } catch (SQLException | RuntimeException e) {
            try (c) {
                c.rollback();
            } catch (SQLException broken) {
                e.addSuppressed(broken); // a broken connection: closing it lets the pool discard it
            }
            throw e;
        }
    }

    /** Returns the number of rows the export will write (the snapshot's count). */
    public long rows() {
        return rows;
    }

    /** Returns the suggested file name. */
    public String fileName(Format format) {
        return "clients-org-" + orgId + "." + format.extension();
    }

    /** Writes every row in the format, flushing after each fetch; returns the rows written. */
    public long write(Format format, OutputStream out) throws SQLException, IOException {
        return switch (format) {
            case JSON, NDJSON -> writeJson(format == Format.NDJSON, out);
            case CSV -> writeCsv(out);
        };
    }

    private long writeJson(boolean lines, OutputStream out) throws SQLException, IOException {
        JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.setRootValueSeparator(null); // NDJSON's objects are separated by the newline alone
        long written = 0;
        try {
            if (!lines) {
                g.writeStartArray();
            }
            while (cursor.next()) {
                g.writeStartObject();
                g.writeNumberField(COLUMNS.get(0), cursor.getLong(1));
                for (int i = 2; i <= 8; i++) {
                    g.writeStringField(COLUMNS.get(i - 1), cursor.getString(i)); // text, and dates as ISO text
                }
                g.writeNumberField(COLUMNS.get(8), cursor.getInt(9));
                for (int i = 10; i <= 12; i++) {
                    g.writeFieldName(COLUMNS.get(i - 1));
                    g.writeNumber(cursor.getBigDecimal(i));
                }
                g.writeNumberField(COLUMNS.get(12), cursor.getLong(13));
                g.writeStringField(COLUMNS.get(13), timestamp(cursor, 14));
                g.writeStringField(COLUMNS.get(14), timestamp(cursor, 15));
                g.writeEndObject();
                if (lines) {
                    g.writeRaw('\n');
                }
                if (++written % flushEvery == 0) {
                    g.flush();
                }
            }
            if (!lines) {
                g.writeEndArray();
            }
            g.flush();
            return written;
        } catch (SQLException e) {
            if (lines) {
                // a line a reader of NDJSON can recognize: the only object with an "error" field
                g.flush();
                out.write(Json.bytes(new Failed("export_failed", "the export stopped after " + written + " of "
                        + rows + " rows: " + e.getMessage(), written)));
                out.write('\n');
            }
            g.flush();
            out.flush();
            throw e;
        }
    }

    private long writeCsv(OutputStream out) throws SQLException, IOException {
        CsvGenerator g = CSV.createGenerator(out, JsonEncoding.UTF8);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.setSchema(CSV_SCHEMA);
        g.writeStartArray();
        for (String column : COLUMNS) {
            g.writeString(column);
        }
        g.writeEndArray();
        long written = 0;
        try {
            while (cursor.next()) {
                g.writeStartArray();
                g.writeNumber(cursor.getLong(1));
                for (int i = 2; i <= 8; i++) {
                    String value = cursor.getString(i);
                    g.writeString(value == null ? "" : value); // CSV has no null: an empty field
                }
                g.writeNumber(cursor.getInt(9));
                for (int i = 10; i <= 12; i++) {
                    g.writeString(cursor.getBigDecimal(i).toPlainString());
                }
                g.writeNumber(cursor.getLong(13));
                g.writeString(timestamp(cursor, 14));
                g.writeString(timestamp(cursor, 15));
                g.writeEndArray();
                if (++written % flushEvery == 0) {
                    g.flush();
                }
            }
            g.flush();
            return written;
        } catch (SQLException e) {
            g.flush();
            throw e;
        }
    }

    private static String timestamp(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toString();
    }

    /** Closes the cursor and ends the read-only transaction; the connection goes back to its pool. */
    @Override
    public void close() {
        try (connection; statement) {
            if (cursor != null) {
                cursor.close();
            }
            connection.rollback(); // nothing was written: rollback just ends the snapshot
        } catch (SQLException e) {
            // the connection is already broken (a failed export or a killed backend); the pool discards it
        }
    }
}
