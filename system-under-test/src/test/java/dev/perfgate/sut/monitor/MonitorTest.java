package dev.perfgate.sut.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.perfgate.sut.Http;
import dev.perfgate.sut.TestSut;

/** The terminal monitor against the real metrics stream of the shared service. */
class MonitorTest {

    @Test
    void follow_drawsATablePerEvent_withTheRoutesThatServedRequests() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = Thread.ofVirtual().start(() -> {
            Http http = Http.shared();
            while (running.get()) {
                http.get("/api/vendors?size=3");
            }
        });
        int code;
        try {
            code = new Monitor(URI.create(TestSut.baseUrl()), 300, out, false).follow(3, System.err);
        } finally {
            running.set(false);
            load.join();
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(text.split("perfgate monitor", -1)).hasSize(4); // three tables
        assertThat(text).contains("route").contains("req/s").contains("p95 ms").contains("pools   write")
                .contains("GET /api/vendors").doesNotContain("\033[2J");
    }

    @Test
    void run_rejectsUnknownArguments_andReportsAnUnreachableService() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(Monitor.run(List.of("--colour"), System.out, errors)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: monitor").contains("--colour");
        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        assertThat(Monitor.run(List.of("http://127.0.0.1:" + freePort, "--once"), System.out, errors)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot reach");
    }
}
