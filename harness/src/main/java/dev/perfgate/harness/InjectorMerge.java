package dev.perfgate.harness;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

import dev.perfgate.reports.RequestStats;
import dev.perfgate.reports.RunValidity;

/**
 * Combines the shares of a run's injectors ({@link InjectorShare}) into one set of results whose percentiles are
 * exactly those of every judged answer of every injector together: each request's HdrHistograms are the sum of its
 * interval histograms (HdrHistograms of one configuration add without loss), its counts the sum of the counts.
 *
 * <p>Each injector's own health is part of the run's validity: one that stalled, ran out of CPU or could not
 * connect while the others could makes the run invalid, and every reason names the injector ({@link #validity}).
 *
 * <p>A merge that would not describe one run stops with a message naming the injector: a share missing (the
 * injector failed, or was late and stopped), one of another simulation, profile, injector count or share schema,
 * and injectors whose loads started further apart than {@code maxSkewMillis} — a clock that is off, or an injector
 * that started late; either way the windows the shares were judged in are not one window.
 */
public final class InjectorMerge {
    private InjectorMerge() {
    }

    /**
     * The merged run: its requests, its validity (invalid when any injector's is, saying which), when its first
     * request was sent and its last answer arrived, and the shares it came from.
     */
    public record Merged(List<RequestStats> requests, RunValidity validity, long firstRequestMillis,
                         long lastResponseMillis, List<InjectorShare> shares) {
        /** Returns the wall time from the first request to the last answer, in seconds. */
        public double spanSeconds() {
            return Math.max(0, lastResponseMillis - firstRequestMillis) / 1000.0;
        }
    }

    /**
     * Reads and merges the shares of injectors 0 … {@code injectors} - 1 in {@code dir}, expected to have run
     * {@code simulation} in {@code profile}; request names get their tier from {@code tiers}.
     */
    public static Merged merge(Path dir, String simulation, String profile, int injectors, long maxSkewMillis,
                               Map<String, String> tiers) {
        List<InjectorShare> shares = new ArrayList<>();
        for (int i = 0; i < injectors; i++) {
            Path file = InjectorShare.json(dir, i);
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("injector " + i + " of " + injectors + " wrote no share (" + file
                        + "): it did not run, failed, or was stopped late; see its log");
            }
            InjectorShare share = InjectorShare.read(file);
            String problem = share.injector() != i ? "says it is injector " + share.injector()
                    : share.injectors() != injectors ? "was one of " + share.injectors() + " injectors, this run has "
                    + injectors
                    : !share.simulation().equals(simulation) || !share.profile().equals(profile) ? "ran "
                    + share.simulation() + " (profile " + share.profile() + "), this run is " + simulation
                    + " (profile " + profile + ")"
                    : null;
            if (problem != null) {
                throw new IllegalStateException("injector " + i + " (" + file + ") " + problem
                        + ": shares of different runs do not merge");
            }
            shares.add(share);
        }
        checkSkew(shares, maxSkewMillis);

        Map<String, AnswerSummary> byName = new TreeMap<>();
        for (InjectorShare share : shares) {
            List<AnswerSummary> indexed = share.requests().stream().map(AnswerSummary::of).toList();
            readIntervals(InjectorShare.log(dir, share.injector()), indexed, share.injector());
            for (int k = 0; k < indexed.size(); k++) {
                byName.merge(share.requests().get(k).name(), indexed.get(k), (a, b) -> {
                    a.add(b);
                    return a;
                });
            }
        }
        long first = shares.stream().mapToLong(InjectorShare::firstRequestMillis).filter(t -> t >= 0).min().orElse(-1);
        long judgedFrom = shares.stream().mapToLong(InjectorShare::judgedFromMillis).filter(t -> t >= 0).min()
                .orElse(-1);
        long last = shares.stream().mapToLong(InjectorShare::lastResponseMillis).max().orElse(-1);
        double span = Math.max(0, last - judgedFrom) / 1000.0;
        List<RequestStats> requests = byName.entrySet().stream()
                .map(e -> e.getValue().toStats(e.getKey(), tiers.getOrDefault(e.getKey(), "unbudgeted"), span))
                .toList();
        return new Merged(requests, validity(shares), first, last, shares);
    }

    /** Stops when the injectors' loads did not start together (their first requests, by their own clocks). */
    static void checkSkew(List<InjectorShare> shares, long maxSkewMillis) {
        List<InjectorShare> started = shares.stream().filter(s -> s.firstRequestMillis() >= 0).toList();
        if (started.size() < 2) {
            return;
        }
        InjectorShare earliest = started.stream().min(Comparator.comparingLong(InjectorShare::firstRequestMillis))
                .orElseThrow();
        InjectorShare latest = started.stream().max(Comparator.comparingLong(InjectorShare::firstRequestMillis))
                .orElseThrow();
        long apart = latest.firstRequestMillis() - earliest.firstRequestMillis();
        if (apart > maxSkewMillis) {
            throw new IllegalStateException(String.format("injector %d started its load %,d ms after injector %d"
                            + " (perfgate.maxInjectorSkewMs is %,d): its clock is off or it started late, so their"
                            + " shares were not measured in one window", latest.injector(), apart,
                    earliest.injector(), maxSkewMillis));
        }
    }

    /** Adds every interval histogram of an injector's log to the request its tag indexes. */
    private static void readIntervals(Path log, List<AnswerSummary> indexed, int injector) {
        HistogramLogReader reader;
        try {
            reader = new HistogramLogReader(log.toFile());
        } catch (FileNotFoundException e) {
            throw new IllegalStateException("injector " + injector + "'s interval log " + log + " is missing");
        }
        try (reader) {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                String tag = h.getTag();
                int index;
                try {
                    index = Integer.parseInt(tag.substring(2));
                } catch (RuntimeException e) {
                    throw new IllegalStateException(log + ": interval tag \"" + tag + "\" is not perfgate's");
                }
                if (index < 0 || index >= indexed.size() || !(h instanceof Histogram histogram)) {
                    throw new IllegalStateException(log + ": interval tag \"" + tag + "\" names no request of"
                            + " injector " + injector + "'s share");
                }
                indexed.get(index).addInterval(tag.charAt(0), histogram);
            }
        }
    }

    /** One validity for the run: invalid when an injector's share is, with that injector named in each reason. */
    static RunValidity validity(List<InjectorShare> shares) {
        if (shares.size() == 1) {
            return shares.get(0).validity();
        }
        List<String> reasons = new ArrayList<>();
        List<long[]> windows = new ArrayList<>();
        double stalledPercent = 0;
        double longest = 0;
        long stalls = 0;
        double hiccup = 0;
        double gc = 0;
        double cpu = 0;
        double machine = 0;
        double foreign = -1;
        long excluded = 0;
        for (InjectorShare s : shares) {
            RunValidity v = s.validity();
            v.reasons().forEach(r -> reasons.add("injector " + s.injector() + ": " + r));
            windows.addAll(v.stallWindows());
            stalledPercent = Math.max(stalledPercent, v.stalledPercent());
            longest = Math.max(longest, v.longestStallMs());
            stalls += v.stalls();
            hiccup = Math.max(hiccup, v.hiccupP99Ms());
            gc = Math.max(gc, v.gcPauseMs());
            cpu += v.cpuMeanPercent(); // each injector's own process: together, the load generators' share
            machine = Math.max(machine, v.machineCpuMeanPercent());
            foreign = Math.max(foreign, v.foreignCpuMeanPercent());
            excluded += v.samplesExcluded();
        }
        reasons.addAll(connectionFailures(shares));
        windows.sort(Comparator.comparingLong((long[] w) -> w[0] - w[1]));
        RunValidity first = shares.get(0).validity();
        return new RunValidity(reasons.isEmpty(), reasons, stalledPercent, longest, stalls, first.stallThresholdMs(),
                hiccup, gc, Math.round(cpu * 10) / 10.0, machine, foreign, excluded,
                windows.subList(0, Math.min(20, windows.size())));
    }

    /**
     * An injector whose requests went unanswered (refused connections, timeouts: {@code no_response}) at over 1 %
     * while the other injectors' stayed under 0.1 % failed on its own side — its sockets, its network — not the
     * service: the run is invalid, naming it. When every injector sees them, they are the service's errors.
     */
    static List<String> connectionFailures(List<InjectorShare> shares) {
        List<String> out = new ArrayList<>();
        if (shares.size() < 2) {
            return out;
        }
        for (InjectorShare s : shares) {
            long[] own = unanswered(List.of(s));
            long[] others = unanswered(shares.stream().filter(o -> o != s).toList());
            double ownPercent = 100.0 * own[0] / Math.max(1, own[1]);
            double othersPercent = 100.0 * others[0] / Math.max(1, others[1]);
            if (ownPercent > 1 && othersPercent < 0.1) {
                out.add(String.format("injector %d: %.2f %% of its requests got no answer while the other injectors'"
                        + " got %.2f %%: its connections failed, not the service", s.injector(), ownPercent,
                        othersPercent));
            }
        }
        return out;
    }

    /** Returns {unanswered, attempts} over the shares. */
    private static long[] unanswered(List<InjectorShare> shares) {
        long none = 0;
        long attempts = 0;
        for (InjectorShare s : shares) {
            for (InjectorShare.Counts c : s.requests()) {
                none += Math.max(0, c.attempts() - c.received());
                attempts += c.attempts();
            }
        }
        return new long[] {none, attempts};
    }

    /** Returns each injector's request count, for the console: "injector 0 sent 1,234, injector 1 sent …". */
    static String describe(Merged merged) {
        return merged.shares().stream().map(s -> String.format("injector %d sent %,d", s.injector(),
                s.requests().stream().mapToLong(InjectorShare.Counts::attempts).sum()))
                .collect(java.util.stream.Collectors.joining(", "));
    }
}
