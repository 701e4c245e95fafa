package dev.perfgate.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perfgate.reports.history.HeadlessChromium;

class FlameGraphTest {
    private static final String SPINNER = FlameGraphTest.class.getName() + ".spinForTheFlameGraph";

    @TempDir
    Path dir;

    private static volatile long sink;

    /** Burns CPU in a method of its own, so the recording has one clear hottest method. */
    private static void spinForTheFlameGraph(long nanos) {
        long end = System.nanoTime() + nanos;
        long x = 1;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        sink = x;
    }

    /** Records this JVM until the spinner has at least 50 samples of its own (a few seconds at a 10 ms period). */
    private Path recordSpinning() throws Exception {
        Path jfr = dir.resolve("spin.jfr");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            do {
                spinForTheFlameGraph(Duration.ofMillis(500).toNanos());
                recording.dump(jfr);
            } while (ownSamples(FlameGraph.read(jfr).root(), SPINNER) < 50 && System.nanoTime() < deadline);
        }
        return jfr;
    }

    private static long ownSamples(FlameGraph.Node node, String method) {
        long own = node.name.equals(method) ? node.self : 0;
        for (FlameGraph.Node child : node.children.values()) {
            own += ownSamples(child, method);
        }
        return own;
    }

    private static long sumOfOwn(FlameGraph.Node node) {
        long sum = node.self;
        for (FlameGraph.Node child : node.children.values()) {
            sum += sumOfOwn(child);
        }
        return sum;
    }

    @Test
    void theHottestMethodLeadsThePageAndEverySampleIsInTheTree() throws Exception {
        Path jfr = recordSpinning();
        FlameGraph.Profile profile = FlameGraph.read(jfr);
        assertThat(ownSamples(profile.root(), SPINNER)).isGreaterThanOrEqualTo(50);
        assertThat(sumOfOwn(profile.root())).isEqualTo(profile.samples()); // every sample ends in exactly one frame

        Path html = dir.resolve("flamegraph.html");
        assertThat(FlameGraph.write(jfr, html, "test JVM")).isEqualTo(SPINNER);
        String page = Files.readString(html);
        assertThat(page.indexOf("id=verdict")).isPositive().isLessThan(page.indexOf("id=graph"));
        assertThat(page).contains("Most CPU of its own: <b>" + SPINNER + "</b>");
        assertThat(page).doesNotContain("http://", "https://"); // self-contained
    }

    @Test
    void theBrowserDrawsTheTree() throws Exception {
        assumeTrue(HeadlessChromium.find() != null, "no chromium on this machine (.ci/run installs it)");
        Path jfr = recordSpinning();
        Path html = dir.resolve("flamegraph.html");
        FlameGraph.write(jfr, html, "test JVM");
        HeadlessChromium.Page loaded = HeadlessChromium.load(html, dir);
        assertThat(Integer.parseInt(loaded.body().getOrDefault("frames", "0"))).as(loaded.log())
                .isGreaterThan(3);
        assertThat(loaded.dom()).contains("FlameGraphTest.spinForTheFlameGraph"); // the frame's label
    }

    @Test
    void aRecursiveMethodCountsEachSampleOnceWithItsCallees() {
        FlameGraph.Node root = new FlameGraph.Node("all");
        // two samples: a → b → a → c (running c), and a → b (running b)
        add(root, "a", "b", "a", "c");
        add(root, "a", "b");
        var shares = FlameGraph.hottest(root, 10);
        assertThat(shares).filteredOn(m -> m.method().equals("a")).singleElement()
                .satisfies(m -> assertThat(m.total()).isEqualTo(2)).satisfies(m -> assertThat(m.self()).isZero());
        assertThat(shares).filteredOn(m -> m.method().equals("b")).singleElement()
                .satisfies(m -> assertThat(m.total()).isEqualTo(2)).satisfies(m -> assertThat(m.self()).isEqualTo(1));
        assertThat(shares.getFirst().self()).isEqualTo(1);
    }

    private static void add(FlameGraph.Node root, String... stack) {
        FlameGraph.Node node = root;
        root.total++;
        for (String frame : stack) {
            node = node.child(frame);
            node.total++;
        }
        node.self++;
    }

    @Test
    void aRecordingWithoutSamplesSaysSo() throws Exception {
        Path jfr = dir.resolve("empty.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.JVMInformation");
            recording.start();
            recording.stop();
            recording.dump(jfr);
        }
        Path html = dir.resolve("flamegraph.html");
        assertThat(FlameGraph.write(jfr, html, "idle")).isNull();
        assertThat(Files.readString(html)).contains("holds no CPU samples");
    }
}
