package dev.perfgate.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

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
}
