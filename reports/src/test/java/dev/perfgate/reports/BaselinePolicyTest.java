package dev.perfgate.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BaselinePolicyTest {

    @Test
    void theThreeValuesParseWhateverTheirCase_andAnythingElseIsRefusedNamingTheSetting() {
        assertThat(BaselinePolicy.parse("perfgate.baseline", "compare")).isEqualTo(BaselinePolicy.COMPARE);
        assertThat(BaselinePolicy.parse("perfgate.baseline", " Update ")).isEqualTo(BaselinePolicy.UPDATE);
        assertThat(BaselinePolicy.parse("--baseline", "OFF")).isEqualTo(BaselinePolicy.OFF);
        assertThat(BaselinePolicy.UPDATE.id()).isEqualTo("update");
        assertThatThrownBy(() -> BaselinePolicy.parse("--baseline", "record"))
                .hasMessage("--baseline was \"record\", must be compare, update, off");
    }
}
