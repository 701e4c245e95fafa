package dev.perfgate.harness;

import java.nio.file.Path;
import java.util.List;

/**
 * A run's injector shares: where this JVM writes its own and where injector 0 merges them from, and, in a run of
 * several injectors, the others ({@link Injectors}). A run of one injector goes through the same write and merge.
 */
final class RunShares {
    private final String simulation;
    private final String profile;
    private final HarnessSettings.Injection injection;
    private final Budgets budgets;
    private final Path dir;
    /** The run's other injectors, when it has some; null for a run of this JVM alone. */
    private final Injectors others;
    /** Injectors still running when injector 0 stopped waiting (then stopped), or null before it waited. */
    private volatile List<Integer> late;

    RunShares(String simulation, HarnessSettings settings, Budgets budgets, Path runDir) {
        this.simulation = simulation;
        this.profile = settings.profile();
        this.injection = settings.injection();
        this.budgets = budgets;
        this.dir = injection.dir() != null ? injection.dir()
                : injection.shared() ? runDir.resolve("injectors") : runDir;
        this.others = injection.shared() ? new Injectors(injection, dir) : null;
    }

    Path dir() {
        return dir;
    }

    boolean shared() {
        return others != null;
    }

    /** Releases this injector's load with every other's (see {@link Injectors#startTogether}); alone, at once. */
    void startTogether(String target, InjectorHealth health) {
        if (others != null) {
            others.startTogether(target, health.serviceDeclared());
            health.otherInjectors(others.processes());
        }
    }

    /** Injector 0 waits for the others to end (up to the wait); any other injector returns at once. */
    void awaitOthers() {
        if (others != null && injection.judges() && late == null) {
            late = others.awaitOthers();
        }
    }

    /**
     * Writes this JVM's share ({@link InjectorShare}): its judged answers, and its validity measured over its own
     * judged window. Stops the health meter.
     */
    void write(InjectorHealth health, ExactResults.Stalls stalls) {
        health.close();
        long warmUp = Math.round(budgets.warmUpSeconds() * 1000);
        InjectorShare.write(dir, simulation, profile, injection.index(), injection.count(),
                excluded -> health.validity(ExactResults.judgedFromMillis(warmUp), ExactResults.lastResponseMillis(),
                        budgets.validity(), excluded), stalls, warmUp);
    }

    /** Injector 0: waits for the others, then merges every share; a late injector stops it, naming which. */
    InjectorMerge.Merged merge() {
        awaitOthers();
        if (late != null && !late.isEmpty()) {
            throw new IllegalStateException("injector(s) " + late + " had not finished " + injection.waitSeconds()
                    + " s after injector 0's load ended (perfgate.injectorWaitSeconds) and were stopped: late, so no"
                    + " merge and no verdict");
        }
        InjectorMerge.Merged merged = InjectorMerge.merge(dir, simulation, profile, injection.count(),
                injection.maxSkewMs(), budgets.requests());
        if (others != null) {
            System.out.println("perfgate: merged " + injection.count() + " injectors' shares from " + dir + " ("
                    + InjectorMerge.describe(merged) + ")");
        }
        return merged;
    }
}
