package dev.perfgate.harness;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import dev.perfgate.reports.RunResult;
import dev.perfgate.reports.RunValidity;

/**
 * Measures the load generator itself while it runs, so that its own stalls are not blamed on the service. A hiccup
 * meter in the style of jHiccup: a thread that only sleeps 1 ms at a time and records how late it wakes; when the
 * JVM pauses (GC, safepoints) or the machine does not schedule the process (a noisy neighbour, a stopped process),
 * this thread is late exactly as long as every Gatling thread was, and every response in flight then was timed late
 * on the client side. Also samples the process's and the machine's CPU once a second and reads the JVM's
 * stop-the-world collection time.
 */
public final class InjectorHealth implements AutoCloseable {
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final long stallNanos;
    private final Histogram hiccupsMicros = new Histogram(TimeUnit.HOURS.toMicros(1), 2);
    private final List<long[]> stalls = new ArrayList<>(); // [start, end] epoch ms, guarded by this
    private final Thread thread;
    private long gcAtStart = stopTheWorldMillis();
    private double cpuSum;
    private double machineCpuSum;
    private long cpuSamples;
    private volatile List<ProcessHandle> service;
    /** The run's other injectors on this machine (with their trees): their CPU is load generation, not other work. */
    private volatile List<ProcessHandle> otherInjectors = List.of();
    private long serviceTicks = -1;
    private long injectorTicks = -1;
    private long serviceTicksAt;
    /** One sample a second of who used the machine, for the CPU of a stretch of the run (a capacity level). */
    private final List<CpuSample> cpuTimeline = new ArrayList<>(); // guarded by this
    private double foreignCpuSum;
    private long foreignSamples;
    private volatile boolean running = true;

    private InjectorHealth(double stallMs) {
        this.stallNanos = (long) (stallMs * 1_000_000);
        this.thread = Thread.ofPlatform().daemon().name("perfgate-hiccup-meter").priority(Thread.MAX_PRIORITY)
                .unstarted(this::meter);
    }

    /** Starts measuring; a hiccup at least {@code stallMs} long is recorded as a stall. */
    public static InjectorHealth start(double stallMs) {
        InjectorHealth h = new InjectorHealth(stallMs);
        h.thread.start();
        return h;
    }

    private void meter() {
        var os = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean s
                ? s : null;
        long nextCpu = System.nanoTime();
        while (running) {
            long before = System.nanoTime();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long late = Math.max(0, now - before - TICK_NANOS);
            synchronized (this) {
                hiccupsMicros.recordValue(Math.min(late / 1000, hiccupsMicros.getHighestTrackableValue()));
                if (late >= stallNanos) {
                    long end = System.currentTimeMillis();
                    stalls.add(new long[] {end - late / 1_000_000, end});
                }
                if (os != null && now >= nextCpu) {
                    double process = os.getProcessCpuLoad();
                    double machine = os.getCpuLoad();
                    if (process >= 0 && machine >= 0) {
                        cpuSum += process;
                        machineCpuSum += machine;
                        cpuSamples++;
                        double[] shares = serviceAndInjectorShares(now);
                        if (shares != null) {
                            foreignCpuSum += Math.max(0, machine - process - shares[0] - shares[1]);
                            foreignSamples++;
                        }
                        cpuTimeline.add(new CpuSample(System.currentTimeMillis(), machine, process
                                + (shares == null ? 0 : shares[1]), shares == null ? -1 : shares[0]));
                    }
                    nextCpu = now + TimeUnit.SECONDS.toNanos(1);
                }
            }
        }
    }

    /**
     * Declares the service's process (with its children, such as an embedded database) when it runs on this
     * machine: the CPU that neither it nor the load generator used is then measured as other work competing for the
     * machine, which makes a run invalid above {@code invalidForeignCpuPercent}.
     */
    public void service(List<ProcessHandle> processes) {
        this.service = processes;
    }

    /** Returns whether the service's process was declared (its CPU, and other injectors', is then not other work). */
    public boolean serviceDeclared() {
        return service != null;
    }

    /**
     * Declares the run's other injectors on this machine ({@code -Dinjectors=N}): for injector 0 the ones it started,
     * for the others injector 0 (whose tree holds the service and every injector). This JVM itself is never counted
     * twice.
     */
    public void otherInjectors(List<ProcessHandle> processes) {
        this.otherInjectors = List.copyOf(processes);
    }

    /**
     * Returns the shares of the whole machine that the service's trees and the other injectors' trees used since the
     * last call ({service, injectors}), or null when the service's process is unknown or this is the first call.
     * Each process counts once, though trees overlap (a local injector's tree holds the service), and never this JVM.
     */
    private double[] serviceAndInjectorShares(long nowNanos) {
        List<ProcessHandle> s = service;
        if (s == null) {
            return null;
        }
        java.util.Set<Long> seen = new java.util.HashSet<>(List.of(ProcessHandle.current().pid()));
        long injectors = ticksOfTrees(otherInjectors, seen);
        long services = ticksOfTrees(s, seen);
        double[] shares = null;
        if (serviceTicks >= 0 && services >= serviceTicks && injectors >= injectorTicks) {
            double ticksPerSecondOfMachine = 100.0 * (nowNanos - serviceTicksAt) / 1e9
                    * Runtime.getRuntime().availableProcessors();
            shares = new double[] {Math.min(1, (services - serviceTicks) / ticksPerSecondOfMachine),
                    Math.min(1, (injectors - injectorTicks) / ticksPerSecondOfMachine)};
        }
        serviceTicks = services;
        injectorTicks = injectors;
        serviceTicksAt = nowNanos;
        return shares;
    }

    /** Sums the CPU ticks of the trees' processes not yet seen, marking them seen. */
    private static long ticksOfTrees(List<ProcessHandle> roots, java.util.Set<Long> seen) {
        return roots.stream()
                .flatMap(root -> java.util.stream.Stream.concat(java.util.stream.Stream.of(root), root.descendants()))
                .filter(p -> seen.add(p.pid()))
                .mapToLong(InjectorHealth::ticks).sum();
    }

    /**
     * One second of the machine: its whole CPU load, the load generator's (this JVM and the run's other injectors)
     * and the service's (its process tree; -1 when undeclared), each a fraction of the whole machine.
     */
    private record CpuSample(long epochMillis, double machine, double generator, double service) {
    }

    /**
     * Returns who used the machine's CPU between two instants (epoch ms), from the once-a-second samples in that
     * stretch, or null when none fell in it: a capacity level says with it whether the service had the machine.
     */
    public synchronized RunResult.MachineCpu cpuBetween(long fromMillis, long toMillis) {
        List<CpuSample> in = cpuTimeline.stream()
                .filter(c -> c.epochMillis() >= fromMillis && c.epochMillis() <= toMillis).toList();
        // the samples that know the service's share, where any does (the first after its declaration does not)
        boolean serviceKnown = in.stream().anyMatch(c -> c.service() >= 0);
        if (serviceKnown) {
            in = in.stream().filter(c -> c.service() >= 0).toList();
        }
        if (in.isEmpty()) {
            return null;
        }
        double machine = in.stream().mapToDouble(CpuSample::machine).average().orElse(0);
        double generator = in.stream().mapToDouble(CpuSample::generator).average().orElse(0);
        double service = serviceKnown ? in.stream().mapToDouble(CpuSample::service).average().orElse(0) : -1;
        double other = serviceKnown ? Math.max(0, machine - generator - service) : -1;
        return new RunResult.MachineCpu(percent(machine), percent(generator), percent(service), percent(other));
    }

    private static double percent(double fraction) {
        return fraction < 0 ? -1 : Math.round(1000 * fraction) / 10.0;
    }

    /** Returns a process's user + system CPU time in clock ticks (1/100 s on Linux), 0 where /proc is absent. */
    private static long ticks(ProcessHandle p) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + p.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Forgets everything measured so far (warm-up is not part of the run). */
    public synchronized void reset() {
        hiccupsMicros.reset();
        stalls.clear();
        cpuSum = 0;
        machineCpuSum = 0;
        cpuSamples = 0;
        foreignCpuSum = 0;
        foreignSamples = 0;
        cpuTimeline.clear();
        gcAtStart = stopTheWorldMillis();
    }

    /** Returns the stalls so far as [start, end] epoch milliseconds, in time order. */
    public synchronized List<long[]> stalls() {
        return new ArrayList<>(stalls);
    }

    /**
     * Returns the run's validity between two instants (epoch ms): invalid when one stall reached
     * {@code invalidStallMs} or the stalls add up to {@code invalidStalledPercent} of the run.
     */
    public synchronized RunValidity validity(long fromMillis, long toMillis, Budgets.Validity limits,
                                             long samplesExcluded) {
        double runMillis = Math.max(1, toMillis - fromMillis);
        List<long[]> inRun = stalls.stream().filter(s -> s[1] >= fromMillis && s[0] <= toMillis).toList();
        double stalled = inRun.stream().mapToLong(s -> Math.min(s[1], toMillis) - Math.max(s[0], fromMillis)).sum();
        double longest = inRun.stream().mapToLong(s -> s[1] - s[0]).max().orElse(0);
        double stalledPercent = Math.round(10_000 * stalled / runMillis) / 100.0;
        List<String> reasons = new ArrayList<>();
        if (longest >= limits.invalidStallMs()) {
            reasons.add(String.format("the load generator stalled for %.0f ms at once (limit %.0f ms)", longest,
                    limits.invalidStallMs()));
        }
        if (stalledPercent >= limits.invalidStalledPercent()) {
            reasons.add(String.format("the load generator was stalled %.2f %% of the run (limit %.2f %%)",
                    stalledPercent, limits.invalidStalledPercent()));
        }
        double foreign = foreignSamples == 0 ? -1 : Math.round(1000 * foreignCpuSum / foreignSamples) / 10.0;
        if (foreign >= limits.invalidForeignCpuPercent()) {
            reasons.add(String.format("other work used %.1f %% of the machine's CPU during the run, beside the"
                    + " service and the load generator (limit %.0f %%)", foreign, limits.invalidForeignCpuPercent()));
        }
        List<long[]> longestFirst = inRun.stream().sorted(Comparator.comparingLong((long[] s) -> s[0] - s[1]))
                .limit(20).toList();
        return new RunValidity(reasons.isEmpty(), reasons, stalledPercent, longest, inRun.size(), limits.stallMs(),
                hiccupsMicros.getTotalCount() == 0 ? 0 : hiccupsMicros.getValueAtPercentile(99) / 1000.0,
                stopTheWorldMillis() - gcAtStart,
                cpuSamples == 0 ? 0 : Math.round(1000 * cpuSum / cpuSamples) / 10.0,
                cpuSamples == 0 ? 0 : Math.round(1000 * machineCpuSum / cpuSamples) / 10.0, foreign, samplesExcluded,
                longestFirst);
    }

    /** Returns the time this JVM spent in stop-the-world collections (concurrent cycles excluded). */
    private static long stopTheWorldMillis() {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = gc.getName();
            if (!name.contains("Concurrent") && !name.contains("Cycles") && gc.getCollectionTime() > 0) {
                sum += gc.getCollectionTime();
            }
        }
        return sum;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
