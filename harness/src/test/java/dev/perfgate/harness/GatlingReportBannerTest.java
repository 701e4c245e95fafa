package dev.perfgate.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perfgate.reports.Check;
import dev.perfgate.reports.Confirmation;

class GatlingReportBannerTest {

    @Test
    void verdictLeadsGatlingsPage_andIsReplacedAfterConfirmation(@TempDir Path dir) throws Exception {
        Path index = dir.resolve("index.html");
        Files.writeString(index, "<html><head></head><body class=\"x\"><h1>Gatling</h1></body></html>");
        Check failed = new Check("regression", "product detail", "p50Ms", 1, 51, Check.Verdict.FAIL, "r");
        GatlingReport.banner(index, Confirmation.Outcome.FAIL, List.of(failed));
        GatlingReport.banner(index, Confirmation.Outcome.FAIL, List.of(failed));
        String html = Files.readString(index);
        assertThat(html).startsWith("<html><head></head><body class=\"x\"><!-- perfgate verdict --><div")
                .contains("perfgate: FAIL</b> — 1 check(s) failed").contains("href=\"regression.html\"")
                .contains("<h1>Gatling</h1>");
        assertThat(html.split("perfgate verdict", -1)).hasSize(2); // one banner, not two
    }
}
