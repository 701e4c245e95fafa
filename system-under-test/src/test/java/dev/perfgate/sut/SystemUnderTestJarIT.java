package dev.perfgate.sut;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The packaged service started the way the README says, {@code java -jar system-under-test/target/system-under-test.jar},
 * with default settings (embedded PostgreSQL, scale 1) except a free port.
 */
class SystemUnderTestJarIT {
    private static final Path JAR = Path.of("target", "system-under-test.jar");
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) .*started in ([0-9.]+) s");

    private static Process start(Map<String, String> settings) throws IOException {
        assertThat(JAR).exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", JAR.toString()); // ProcessOutput reads both pipes
        pb.environment().keySet().removeIf(k -> k.startsWith("SUT_")); // the defaults are what is under test
        pb.environment().putAll(settings);
        return pb.start();
    }

    @Test
    void jar_defaults_servesTheApiOnEmbeddedPostgres_andStopsCleanly() throws Exception {
        Process p = start(Map.of("SUT_PORT", "0"));
        try {
            ProcessOutput output = new ProcessOutput(p);
            Matcher m = output.await(LISTENING, 180);
            assertThat(m).as("start-up output:%n%s", output.text()).isNotNull();
            System.out.println("system-under-test.jar at scale 1 served after " + m.group(2) + " s");

            Http http = new Http("http://127.0.0.1:" + m.group(1));
            assertThat(http.get("/api/performance/health").status()).isEqualTo(200);
            Http.Response clients = http.get("/api/clients?org=1&size=5");
            assertThat(clients.status()).isEqualTo(200);
            assertThat(clients.json().path("total").asLong()).isGreaterThan(1000); // scale 1: the largest org
            assertThat(output.await(Pattern.compile("admin token \\(SUT_ADMIN_TOKEN\\): [0-9a-f]{48}"), 10)).isNotNull();

            p.destroy(); // SIGTERM: the shutdown hook stops the server and the embedded database
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void jar_badConfiguration_exitsWithKeyValueAndRule() throws Exception {
        Process p = start(Map.of("SUT_SCALE", "abc", "SUT_PORTT", "1"));
        // a few lines in all, so reading one pipe after the other cannot block the process
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(text).contains("SUT_SCALE was \"abc\", must be a number greater than 0 and at most 100")
                .contains("SUT_PORTT was \"1\", is not a known setting");
    }

    @Test
    void jar_unknownCommand_printsUsage() throws Exception {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar", JAR.toString(),
                "serve-please").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(text).contains("usage: system-under-test.jar").contains("seed [--reset]");
        assertThat(Files.exists(JAR)).isTrue();
    }
}
