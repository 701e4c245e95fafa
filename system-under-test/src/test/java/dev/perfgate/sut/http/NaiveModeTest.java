package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.TestSut;

/** X-Perf-Mode: naive serves the same body as the optimized default, with more statements. */
class NaiveModeTest {
    private final Http http = Http.shared();

    @ParameterizedTest
    @ValueSource(strings = {"", "/budget", "/timeline?size=100"})
    void naive_sameBody_moreStatements(String suffix) {
        long id = TestSut.queryLong("SELECT c.id FROM clients c WHERE EXISTS (SELECT 1 FROM bookings b"
                + " WHERE b.client_id = c.id) AND (SELECT count(*) FROM budget_items i WHERE i.client_id = c.id) > 5"
                + " ORDER BY c.id LIMIT 1");
        Http.Response optimized = http.get("/api/clients/" + id + suffix);
        Http.Response naive = http.get("/api/clients/" + id + suffix, "X-Perf-Mode", "naive");
        assertThat(naive.status()).isEqualTo(200);
        assertThat(naive.json()).isEqualTo(optimized.json());
        assertThat(naive.queryCount()).isGreaterThan(optimized.queryCount() + 4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/clients?org=1&sort=weddingDate&size=7", "/api/vendors?sort=-rating&size=9",
            "/api/vendors?category=venue&sort=name&size=5"})
    void keysetPaging_andItsOffsetCounterpart_walkTheSamePages(String list) throws Exception {
        String cursor = "";
        for (int page = 0; page < 6; page++) {
            String url = list + "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8);
            Http.Response keyset = http.get(url);
            Http.Response offset = http.get(url, "X-Perf-Mode", "naive");
            assertThat(keyset.status()).isEqualTo(200);
            assertThat(offset.json()).as("page %d of %s", page, list).isEqualTo(keyset.json());
            if (keyset.json().path("nextCursor").isNull()) {
                break;
            }
            cursor = keyset.json().path("nextCursor").asText();
        }
        assertThat(cursor).as("walked past the first page").isNotEmpty();
    }

    @org.junit.jupiter.api.Test
    void ratingRecomputation_loopAndSetBasedUpdate_sameResultAndRows() {
        String[] admin = {"Authorization", "Bearer " + TestSut.ADMIN_TOKEN};
        String path = "/api/admin/vendors/ratings/recompute";
        assertThat(http.post(path, null).status()).isEqualTo(401);
        assertThat(http.post(path, null, admin).status()).isEqualTo(200); // ratings now follow the reviews
        String state = "SELECT md5(string_agg(id || ':' || rating || ':' || review_count, ',' ORDER BY id)) FROM vendors";
        String consistent = TestSut.queryColumn(state).getFirst();
        long vendors = TestSut.queryLong("SELECT count(*) FROM vendors");

        String drift = "UPDATE vendors SET rating = 0, review_count = 0 WHERE id % 7 = 0 RETURNING id";
        long drifted = TestSut.queryColumn(drift).size();
        Http.Response loop = http.post(path, null, "X-Perf-Mode", "naive", admin[0], admin[1]);
        assertThat(TestSut.queryColumn(state).getFirst()).isEqualTo(consistent);

        TestSut.queryColumn(drift);
        Http.Response setBased = http.post(path, null, admin);
        assertThat(TestSut.queryColumn(state).getFirst()).isEqualTo(consistent);

        assertThat(setBased.json()).isEqualTo(loop.json());
        assertThat(setBased.json().path("vendors").asLong()).isEqualTo(vendors);
        long withReviews = TestSut.queryLong("SELECT count(*) FROM vendors WHERE id % 7 = 0 AND review_count > 0");
        assertThat(setBased.json().path("changed").asLong()).isEqualTo(withReviews).isLessThanOrEqualTo(drifted);
        assertThat(loop.queryCount()).isEqualTo(1 + 2 * (int) vendors);
        assertThat(setBased.queryCount()).isEqualTo(2);
    }
}
