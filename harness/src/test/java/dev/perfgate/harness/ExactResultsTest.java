package dev.perfgate.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.perfgate.reports.RequestStats;

class ExactResultsTest {

    @Test
    void serverTiming_totalWins_elseTheFirstDuration_inMicroseconds() {
        assertThat(ExactResults.serverMicros("app;dur=0.123")).isEqualTo(123);
        assertThat(ExactResults.serverMicros("db;dur=2.5, total;dur=7.25")).isEqualTo(7250);
        assertThat(ExactResults.serverMicros("cache;desc=\"hit\", app;dur=\"1.5\"")).isEqualTo(1500);
        assertThat(ExactResults.serverMicros("miss, app;dur=abc")).isEqualTo(-1); // malformed: ignored, as browsers do
        assertThat(ExactResults.serverMicros(null)).isEqualTo(-1);
    }

    @Test
    void stalls_coverTheAnswersInFlight() {
        ExactResults.Stalls stalls = ExactResults.Stalls.of(List.of(new long[] {5_000, 6_000}, new long[] {1_000, 1_100}));
        assertThat(stalls.overlaps(900, 1_000)).isTrue(); // ended as the stall began
        assertThat(stalls.overlaps(1_050, 1_060)).isTrue(); // inside
        assertThat(stalls.overlaps(1_101, 4_999)).isFalse(); // between two
        assertThat(stalls.overlaps(4_000, 7_000)).isTrue(); // spans one
        assertThat(stalls.overlaps(6_001, 6_500)).isFalse(); // after
    }

    @AfterEach
    void clear() {
        ExactResults.reset();
    }

    /** Twenty requests of "page", sent and answered (in 20 ms) every 100 ms from second 10 to second 12. */
    private static void answeredEvery100msFrom10To12s() {
        for (long sent = 10_000; sent < 12_000; sent += 100) {
            ExactResults.attempt("page", sent);
            ExactResults.record("page", sent, sent + 20, 200, true, -1, -1);
        }
    }

    @Test
    void window_aRequestSentJustBeforeItsEdgeAndStampedJustAfter_isNotCountedAsUnanswered() {
        ExactResults.Stalls none = ExactResults.Stalls.of(List.of());
        answeredEvery100msFrom10To12s();
        ExactResults.attempt("page", 11_999); // the hook ran in second 11 ...
        ExactResults.record("page", 12_001, 12_030, 200, true, -1, -1); // ... Gatling stamped second 12

        RequestStats first = ExactResults.window(10_000, 12_000, Map.of(), none).getFirst();
        RequestStats second = ExactResults.window(12_000, 13_000, Map.of(), none).getFirst();

        assertThat(first.count()).isEqualTo(20);
        assertThat(first.ko()).isZero();
        assertThat(first.errorsByCause()).doesNotContainKey("no_response");
        assertThat(second.count()).isEqualTo(1);
        assertThat(second.ko()).isZero();
    }

    @Test
    void window_aRequestNeverAnswered_countsInTheWindowItWasSentIn() {
        ExactResults.Stalls none = ExactResults.Stalls.of(List.of());
        answeredEvery100msFrom10To12s();
        ExactResults.attempt("page", 12_500); // timed out: no answer ever came

        RequestStats first = ExactResults.window(10_000, 12_000, Map.of(), none).getFirst();
        RequestStats second = ExactResults.window(12_000, 13_000, Map.of(), none).getFirst();
        RequestStats whole = ExactResults.snapshot(Map.of(), none).getFirst();

        assertThat(first.ko()).isZero();
        assertThat(second.count()).isEqualTo(1);
        assertThat(second.errorsByCause()).containsEntry("no_response", 1L);
        assertThat(whole.count()).isEqualTo(21);
        assertThat(whole.errorsByCause()).containsEntry("no_response", 1L);
    }
}
