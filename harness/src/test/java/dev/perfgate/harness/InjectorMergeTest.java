package dev.perfgate.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perfgate.reports.Quantiles;
import dev.perfgate.reports.RequestStats;
import dev.perfgate.reports.RunValidity;

/**
 * Several injectors' shares merge into exactly the results one recorder of every answer would have: the same
 * histograms bit for bit, the same counts, the same stats; and shares that are not of one run do not merge.
 */
class InjectorMergeTest {
    private static final ExactResults.Stalls NONE = ExactResults.Stalls.of(List.of());
    private static final Map<String, String> TIERS = Map.of("client detail", "fast", "vendor search", "standard");

    /** One answer as Gatling would hand it over. */
    private record Answer(String name, long start, long latencyMs, int status, long serverMicros, int statements) {
        void record() {
            ExactResults.attempt(name, start);
            ExactResults.record(name, start, start + latencyMs, status, status < 400, serverMicros, statements);
        }
    }

    @AfterEach
    void clear() {
        ExactResults.reset();
    }

    /** Answers spread over 30 s with long tails, some errors, some without Server-Timing, and one never answered. */
    private static List<Answer> answers(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] names = {"client detail", "vendor search", "health"};
        List<Answer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long latency = random.nextInt(100) < 2 ? 200 + random.nextInt(3000) : 1 + random.nextInt(40);
            int status = random.nextInt(200) == 0 ? 503 : 200;
            long server = random.nextInt(10) == 0 ? -1 : Math.max(50, latency * 1000 - random.nextInt(900));
            out.add(new Answer(names[random.nextInt(names.length)], 1_700_000_000_000L + random.nextInt(30_000),
                    latency, status, server, random.nextInt(4)));
        }
        return out;
    }

    private static RunValidity valid(long excluded) {
        return new RunValidity(true, List.of(), 0, 0, 0, 50, 0.1, 0, 20, 60, 1, excluded, List.of());
    }

    /** Records the answers as injector i of n would and writes its share. */
    private static InjectorShare share(Path dir, int i, int n, List<Answer> answers, String simulation) {
        return share(dir, i, n, answers, simulation, 0);
    }

    /** The same, with requests of "vendor search" sent and never answered. */
    private static InjectorShare share(Path dir, int i, int n, List<Answer> answers, String simulation,
                                       int unanswered) {
        ExactResults.reset();
        answers.forEach(Answer::record);
        for (int k = 0; k < unanswered; k++) {
            ExactResults.attempt("vendor search", 1_700_000_010_000L);
        }
        InjectorShare share = InjectorShare.write(dir, simulation, "ci", i, n, InjectorMergeTest::valid, NONE, 0);
        ExactResults.reset();
        return share;
    }

    @Test
    void twoInjectorsShares_mergeIntoExactlyWhatOneRecorderOfEveryAnswerReports(@TempDir Path dir) {
        List<Answer> first = answers(1, 20_000);
        List<Answer> second = answers(2, 30_000);
        share(dir, 0, 2, first, "PeakDaySimulation", 1);
        share(dir, 1, 2, second, "PeakDaySimulation");

        InjectorMerge.Merged merged = InjectorMerge.merge(dir, "PeakDaySimulation", "ci", 2, 60_000, TIERS);

        // one recorder fed every answer
        first.forEach(Answer::record);
        ExactResults.attempt("vendor search", 1_700_000_010_000L);
        second.forEach(Answer::record);
        List<RequestStats> single = ExactResults.snapshot(TIERS, NONE);
        assertThat(merged.requests()).isEqualTo(single);
        assertThat(merged.spanSeconds()).isEqualTo(ExactResults.spanSeconds());

        // and by hand: every client latency of every answer in one histogram, bit for bit the merged one
        for (String name : List.of("client detail", "vendor search", "health")) {
            Histogram all = new Histogram(3_600_000L, 3);
            Histogram allServer = new Histogram(3_600_000_000L, 3);
            long sent = 0;
            for (List<Answer> part : List.of(first, second)) {
                for (Answer a : part) {
                    if (a.name().equals(name)) {
                        all.recordValue(a.latencyMs());
                        sent++;
                        if (a.serverMicros() >= 0) {
                            allServer.recordValue(a.serverMicros());
                        }
                    }
                }
            }
            RequestStats r = merged.requests().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
            assertThat(r.histogram()).as(name).isEqualTo(Quantiles.encode(all));
            assertThat(r.server().histogram()).as(name).isEqualTo(Quantiles.encode(allServer));
            assertThat(r.count()).as(name).isEqualTo(sent + (name.equals("vendor search") ? 1 : 0));
            assertThat(r.p99Ms()).isEqualTo((double) all.getValueAtPercentile(99));
            assertThat(r.p999Ms()).isEqualTo((double) all.getValueAtPercentile(99.9));
            assertThat(r.maxMs()).isEqualTo((double) all.getMaxValue());
        }
        assertThat(merged.requests().stream().filter(s -> s.name().equals("vendor search")).findFirst().orElseThrow()
                .errorsByCause()).containsEntry("no_response", 1L);
    }

    @Test
    void oneInjectorsShare_isThatInjectorsSnapshot(@TempDir Path dir) {
        List<Answer> answers = answers(3, 5_000);
        answers.forEach(Answer::record);
        ExactResults.Stalls stalls = ExactResults.Stalls.of(List.of(new long[] {1_700_000_005_000L,
                1_700_000_005_400L}));
        List<RequestStats> snapshot = ExactResults.snapshot(TIERS, stalls, 2_000);
        InjectorShare.write(dir, "S", "ci", 0, 1, InjectorMergeTest::valid, stalls, 2_000);

        InjectorMerge.Merged merged = InjectorMerge.merge(dir, "S", "ci", 1, 2_000, TIERS);

        assertThat(merged.requests()).isEqualTo(snapshot);
        assertThat(merged.requests()).anySatisfy(r -> assertThat(r.injectorStalled()).isPositive());
        assertThat(merged.validity().samplesExcluded())
                .isEqualTo(snapshot.stream().mapToLong(RequestStats::injectorStalled).sum());
    }

    @Test
    void theIntervalLog_isHdrHistogramsOwnFormat_oneHistogramPerRequestKindAndSecond(@TempDir Path dir)
            throws Exception {
        share(dir, 0, 1, answers(4, 2_000), "S");
        List<String> lines = Files.readAllLines(InjectorShare.log(dir, 0));
        assertThat(lines).anyMatch(l -> l.startsWith("#[StartTime: "));
        assertThat(lines).anyMatch(l -> l.startsWith("\"StartTimestamp\",\"Interval_Length\""));
        assertThat(lines.stream().filter(l -> l.startsWith("Tag=c.0,")).count()).isBetween(25L, 30L); // 30 s
        try (var reader = new org.HdrHistogram.HistogramLogReader(InjectorShare.log(dir, 0).toFile())) {
            var h = reader.nextIntervalHistogram();
            assertThat(h.getEndTimeStamp() - h.getStartTimeStamp()).isEqualTo(1000);
            assertThat(h.getStartTimeStamp()).isBetween(1_700_000_000_000L, 1_700_000_030_000L);
        }
    }

    @Test
    void aMissingInjector_anotherSimulationOrProfile_orAnotherCount_stopTheMergeNamingIt(@TempDir Path dir) {
        share(dir, 0, 2, answers(5, 500), "PeakDaySimulation");
        assertThatThrownBy(() -> InjectorMerge.merge(dir, "PeakDaySimulation", "ci", 2, 60_000, TIERS))
                .hasMessageStartingWith("injector 1 of 2 wrote no share (" + InjectorShare.json(dir, 1));

        share(dir, 1, 2, answers(6, 500), "WeddingPlanningSimulation");
        assertThatThrownBy(() -> InjectorMerge.merge(dir, "PeakDaySimulation", "ci", 2, 60_000, TIERS))
                .hasMessage("injector 1 (" + InjectorShare.json(dir, 1) + ") ran WeddingPlanningSimulation (profile"
                        + " ci), this run is PeakDaySimulation (profile ci): shares of different runs do not merge");

        share(dir, 1, 3, answers(6, 500), "PeakDaySimulation");
        assertThatThrownBy(() -> InjectorMerge.merge(dir, "PeakDaySimulation", "ci", 2, 60_000, TIERS))
                .hasMessageContaining("injector 1 (").hasMessageContaining("was one of 3 injectors, this run has 2");
    }

    @Test
    void injectorsWhoseLoadsStartedTooFarApart_stopTheMerge(@TempDir Path dir) {
        share(dir, 0, 2, answers(7, 500), "S");
        List<Answer> late = answers(8, 500).stream()
                .map(a -> new Answer(a.name(), a.start() + 45_000, a.latencyMs(), a.status(), a.serverMicros(),
                        a.statements())).toList();
        share(dir, 1, 2, late, "S");
        assertThatThrownBy(() -> InjectorMerge.merge(dir, "S", "ci", 2, 2_000, TIERS))
                .hasMessageStartingWith("injector 1 started its load ")
                .hasMessageContaining("after injector 0 (perfgate.maxInjectorSkewMs is 2,000): its clock is off or it"
                        + " started late");
    }

    @Test
    void anOverloadedInjector_makesTheRunInvalid_sayingWhich() {
        RunValidity stalled = new RunValidity(false, List.of("the load generator stalled for 900 ms at once (limit"
                + " 500 ms)"), 2.5, 900, 3, 50, 30, 40, 80, 99, 1, 12, List.of(new long[] {1, 901}));
        InjectorShare ok = new InjectorShare(1, "S", "ci", 0, 2, 0, 0, 10, valid(0), List.of());
        InjectorShare bad = new InjectorShare(1, "S", "ci", 1, 2, 0, 0, 10, stalled, List.of());

        RunValidity merged = InjectorMerge.validity(List.of(ok, bad));

        assertThat(merged.valid()).isFalse();
        assertThat(merged.reasons()).containsExactly("injector 1: the load generator stalled for 900 ms at once"
                + " (limit 500 ms)");
        assertThat(merged.samplesExcluded()).isEqualTo(12);
        assertThat(merged.cpuMeanPercent()).isEqualTo(100); // both load generators' processes together
    }

    @Test
    void anInjectorWhoseConnectionsFailedAlone_makesTheRunInvalid_butFailuresEveryInjectorSees_areTheServices() {
        InjectorShare.Counts answered = new InjectorShare.Counts("page", 1_000, 1_000, 1_000, Map.of(), 0, 0, 0, -1);
        InjectorShare.Counts refused = new InjectorShare.Counts("page", 1_000, 950, 950, Map.of(), 0, 0, 0, -1);
        InjectorShare zero = new InjectorShare(1, "S", "ci", 0, 2, 0, 0, 10, valid(0), List.of(answered));
        InjectorShare one = new InjectorShare(1, "S", "ci", 1, 2, 0, 0, 10, valid(0), List.of(refused));

        RunValidity alone = InjectorMerge.validity(List.of(zero, one));
        assertThat(alone.valid()).isFalse();
        assertThat(alone.reasons()).containsExactly("injector 1: 5.00 % of its requests got no answer while the other"
                + " injectors' got 0.00 %: its connections failed, not the service");

        InjectorShare zeroRefused = new InjectorShare(1, "S", "ci", 0, 2, 0, 0, 10, valid(0), List.of(refused));
        assertThat(InjectorMerge.validity(List.of(zeroRefused, one)).valid()).isTrue(); // the service's errors
    }
}
