package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.TestSut;

/** Offset and keyset paging walk the same rows in the same order, for every sort key. */
class PagingTest {
    private final Http http = Http.shared();
    private final long org = TestSut.queryLong(
            "SELECT org_id FROM clients GROUP BY org_id ORDER BY count(*) DESC, org_id LIMIT 1");

    private List<Long> walkOffset(String sort) {
        List<Long> ids = new ArrayList<>();
        for (int page = 0; ; page++) {
            JsonNode j = http.get("/api/clients?org=" + org + "&sort=" + sort + "&size=7&page=" + page).json();
            j.path("items").forEach(c -> ids.add(c.path("id").asLong()));
            if (!j.path("hasNext").asBoolean()) {
                assertThat((long) ids.size()).isEqualTo(j.path("total").asLong());
                return ids;
            }
        }
    }

    private List<Long> walkKeyset(String sort) {
        List<Long> ids = new ArrayList<>();
        String cursor = "";
        while (true) {
            Http.Response r = http.get("/api/clients?org=" + org + "&sort=" + sort + "&size=7&cursor=" + cursor);
            assertThat(r.status()).isEqualTo(200);
            r.json().path("items").forEach(c -> ids.add(c.path("id").asLong()));
            if (!r.json().path("hasNext").asBoolean()) {
                assertThat(r.json().path("nextCursor").isNull()).isTrue();
                return ids;
            }
            cursor = r.json().path("nextCursor").asText();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"weddingDate", "-weddingDate", "createdAt", "-createdAt", "name", "-name", "id", "-id"})
    void keysetAndOffset_visitTheSameRowsInTheSameOrder(String sort) {
        List<Long> offset = walkOffset(sort);
        assertThat(offset).hasSize((int) TestSut.queryLong("SELECT count(*) FROM clients WHERE org_id = " + org))
                .doesNotHaveDuplicates();
        assertThat(walkKeyset(sort)).isEqualTo(offset);
    }

    @Test
    void keyset_cursorOfAnotherSort_isRejected() {
        String cursor = http.get("/api/clients?org=" + org + "&sort=name&size=2&cursor=").json()
                .path("nextCursor").asText();
        Http.Response r = http.get("/api/clients?org=" + org + "&sort=createdAt&size=2&cursor=" + cursor);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("field").asText()).isEqualTo("cursor");
        assertThat(r.json().path("message").asText()).contains("cursor was made for sort name, but sort is createdAt");
    }

    @Test
    void vendors_keysetByRating_matchesOffset() {
        List<Long> offset = new ArrayList<>();
        for (int page = 0; ; page++) {
            JsonNode j = http.get("/api/vendors?category=photography&size=5&page=" + page).json();
            j.path("items").forEach(v -> offset.add(v.path("id").asLong()));
            if (!j.path("hasNext").asBoolean()) {
                break;
            }
        }
        List<Long> keyset = new ArrayList<>();
        String cursor = "";
        while (true) {
            JsonNode j = http.get("/api/vendors?category=photography&size=5&cursor=" + cursor).json();
            j.path("items").forEach(v -> keyset.add(v.path("id").asLong()));
            if (!j.path("hasNext").asBoolean()) {
                break;
            }
            cursor = j.path("nextCursor").asText();
        }
        assertThat(offset).isNotEmpty();
        assertThat(keyset).isEqualTo(offset);
    }

    @Test
    void pageBeyondTheEnd_isEmptyNotAnError() {
        Http.Response r = http.get("/api/clients?org=" + org + "&page=10000&size=100");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("items")).isEmpty();
        assertThat(r.json().path("hasNext").asBoolean()).isFalse();
    }
}
