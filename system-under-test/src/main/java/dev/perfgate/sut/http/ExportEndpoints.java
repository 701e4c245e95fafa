package dev.perfgate.sut.http;

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
        ClientExport export = ClientExport.open(db, org, fetchSize); // a missing organization is a 404 here
        return new ApiResponse(200, new ApiResponse.Streamed(format.contentType(), out -> {
            try (export) {
                export.write(format, out);
            }
        }), Map.of("X-Export-Rows", Long.toString(export.rows()),
                "Content-Disposition", "attachment; filename=\"" + export.fileName(format) + "\"",
                "Cache-Control", "no-store"));
    }
}
