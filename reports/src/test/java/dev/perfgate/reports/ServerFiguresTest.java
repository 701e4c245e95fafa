package dev.perfgate.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    @Test
    void severalNodes_keepTheirBodies_andAddUpWhatAddsUpExactly() throws IOException {
        JsonNode a = ResultFiles.MAPPER.readTree("""
                {"endpoints": [{"route": "GET /a", "count": 10, "clientErrors": 1, "errors": 0, "p95Ms": 4.0}]}""");
        JsonNode b = ResultFiles.MAPPER.readTree("""
                {"endpoints": [{"route": "GET /a", "count": 5, "clientErrors": 0, "errors": 2, "p95Ms": 9.0},
                               {"route": "GET /b", "count": 7, "clientErrors": 0, "errors": 0, "p95Ms": 1.0}]}""");
        JsonNode qa = ResultFiles.MAPPER.readTree("""
                {"nPlusOneSuspects": [{"route": "GET /a", "fingerprint": "select 1", "requests": 3}]}""");
        JsonNode qb = ResultFiles.MAPPER.readTree("""
                {"nPlusOneSuspects": [{"route": "GET /a", "fingerprint": "select 1", "requests": 9},
                                      {"route": "GET /b", "fingerprint": "select 2", "requests": 1}]}""");

        ServerFigures merged = ServerFigures.of(List.of(new ServerFigures.Node("http://n1", a, qa),
                new ServerFigures.Node("http://n2", b, qb)));

        assertThat(merged.nodes()).extracting(ServerFigures.Node::url).containsExactly("http://n1", "http://n2");
        assertThat(merged.metrics().get("endpoints").toString()).isEqualTo("[{\"route\":\"GET /a\",\"count\":15,"
                + "\"clientErrors\":1,\"errors\":2},{\"route\":\"GET /b\",\"count\":7,\"clientErrors\":0,"
                + "\"errors\":0}]"); // no percentile: those do not add up
        assertThat(merged.nPlusOneSuspects()).containsExactly(new ServerFigures.Suspect("GET /a", "select 1"),
                new ServerFigures.Suspect("GET /b", "select 2"));
        assertThat(ServerFigures.of(List.of(new ServerFigures.Node("http://n1", a, qa))))
                .isEqualTo(new ServerFigures(a, qa)); // one node: its bodies as they are
    }

    @Test
    void severalNodesFigures_surviveAWriteAndARead(@TempDir Path dir) throws IOException {
        RunResult real = ResultFiles.read(REAL);
        ServerFigures nodes = ServerFigures.of(List.of(
                new ServerFigures.Node("http://n1", real.server().metrics(), real.server().queries()),
                new ServerFigures.Node("http://n2", real.server().metrics(), real.server().queries())));
        RunResult withNodes = new RunResult(real.simulation(), real.profile(), real.target(), real.startedAt(),
                real.durationSeconds(), real.environment(), real.requests(), real.budgets(), nodes, real.capacity(),
                real.validity(), real.schemaVersion());
        ResultFiles.write(dir.resolve("results.json"), withNodes);
        // as JSON: a merged count written as a long reads back as an int node, the same number
        assertThat(ResultFiles.MAPPER.writeValueAsString(ResultFiles.read(dir.resolve("results.json")).server()))
                .isEqualTo(ResultFiles.MAPPER.writeValueAsString(nodes));
    }
}
