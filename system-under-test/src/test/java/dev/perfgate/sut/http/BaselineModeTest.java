package dev.perfgate.sut.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.TestSut;

/** X-Perf-Mode: baseline serves the same body the naive way, with more statements. */
class BaselineModeTest {
    private final Http http = Http.shared();

    @ParameterizedTest
    @ValueSource(strings = {"", "/budget", "/timeline?size=100"})
    void baseline_sameBody_moreStatements(String suffix) {
        long id = TestSut.queryLong("SELECT c.id FROM clients c WHERE EXISTS (SELECT 1 FROM bookings b"
                + " WHERE b.client_id = c.id) AND (SELECT count(*) FROM budget_items i WHERE i.client_id = c.id) > 5"
                + " ORDER BY c.id LIMIT 1");
        Http.Response optimized = http.get("/api/clients/" + id + suffix);
        Http.Response baseline = http.get("/api/clients/" + id + suffix, "X-Perf-Mode", "baseline");
        assertThat(baseline.status()).isEqualTo(200);
        assertThat(baseline.json()).isEqualTo(optimized.json());
        assertThat(baseline.queryCount()).isGreaterThan(optimized.queryCount() + 4);
    }
}
