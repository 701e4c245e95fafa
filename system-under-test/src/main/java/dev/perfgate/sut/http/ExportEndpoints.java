package dev.perfgate.sut.http;

import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.perfgate.sut.db.Database;
import dev.perfgate.sut.domain.ClientExport;

/** Bulk exports, streamed from a database cursor (see {@link ClientExport}). */
public final class ExportEndpoints {
    private static final Set<String> FORMATS = Set.of("json", "csv", "ndjson");

    private final Database db;
    private final int fetchSize;

    public ExportEndpoints(Database db, int fetchSize) {
        this.db = db;
        this.fetchSize = fetchSize;
    }

    /** Registers the routes; before the client routes, whose {@code /api/clients/{id}} would match first. */
    public void register(Routes routes) {
        routes.get("/api/clients/export", this::clients);
    }

    private ApiResponse clients(ApiRequest r) throws Exception {
        r.allowParams("org", "format");
        long org = r.requiredId("org");
        ClientExport.Format format = ClientExport.Format.valueOf(r.enumParam("format", FORMATS).orElse("json")
                .toUpperCase(Locale.ROOT));
        boolean naive = r.mode() == PerfMode.NAIVE;
        // a missing organization is a 404 here
        ClientExport export = ClientExport.open(r.context(), db, org, naive ? 0 : fetchSize);
        Map<String, String> headers = Map.of("X-Export-Rows", Long.toString(export.rows()),
                "Content-Disposition", "attachment; filename=\"" + export.fileName(format) + "\"",
                "Cache-Control", "no-store");
        if (naive) {
            // the naive export, kept so its cost can be measured: the whole result in memory (no cursor), then the
            // whole document in memory, then one send; the same bytes as the stream
            ByteArrayOutputStream document = new ByteArrayOutputStream();
            try (export) {
                export.write(format, document);
            }
            return new ApiResponse(200, new ApiResponse.Raw(format.contentType(), document.toByteArray()), headers);
        }
        return new ApiResponse(200, new ApiResponse.Streamed(format.contentType(), out -> {
            try (export) {
                export.write(format, out);
            }
        }), headers);
    }
}
