package dev.perfgate.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** results.json's {@code server} section: the service's bodies kept as written, its N+1 suspects read typed. */
class ServerFiguresTest {
    private static final Path REAL = Path.of("src/test/resources/fixtures/peakday-ci-run.json");

    @Test
    void aRealRunsFigures_surviveAWriteAndARead_exactly(@TempDir Path dir) throws IOException {
        RunResult real = ResultFiles.read(REAL);
        Path copy = dir.resolve("results.json");
        ResultFiles.write(copy, real);

        JsonNode original = ResultFiles.MAPPER.readTree(REAL.toFile()).get("server");
        JsonNode written = ResultFiles.MAPPER.readTree(copy.toFile()).get("server");
        assertThat(written).isEqualTo(original);
        assertThat(ResultFiles.read(copy).server()).isEqualTo(real.server());
    }

    @Test
    void suspects_areReadFromTheQueryReport_whateverElseAnEntryCarries() throws IOException {
        JsonNode queries = ResultFiles.MAPPER.readTree("""
                {"schemaVersion": 1, "nPlusOneSuspects": [
                  {"route": "GET /api/clients/{id}/budget", "fingerprint": "select * from payments where id = ?",
                   "maxPerRequest": 12, "requests": 40}]}""");
        assertThat(new ServerFigures(null, queries).nPlusOneSuspects()).containsExactly(new ServerFigures.Suspect(
                "GET /api/clients/{id}/budget", "select * from payments where id = ?"));
        assertThat(ResultFiles.read(REAL).server().nPlusOneSuspects()).isEmpty(); // the real run had none
    }

    @Test
    void noReport_anErrorInsteadOfOne_orAnEmptySection_haveNoSuspects(@TempDir Path dir) throws IOException {
        assertThat(ServerFigures.NONE.nPlusOneSuspects()).isNull();
        JsonNode error = ResultFiles.MAPPER.createObjectNode().put("error", "no 200 answer");
        assertThat(new ServerFigures(error, error).nPlusOneSuspects()).isNull();

        // results written before the section was typed had an empty map when the service handed nothing over
        String json = Files.readString(REAL);
        JsonNode tree = ResultFiles.MAPPER.readTree(json);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree).putObject("server");
        Path empty = dir.resolve("results.json");
        Files.writeString(empty, tree.toString());
        assertThat(ResultFiles.read(empty).server()).isEqualTo(ServerFigures.NONE);
    }
}
