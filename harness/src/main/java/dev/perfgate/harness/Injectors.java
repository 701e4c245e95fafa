package dev.perfgate.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The injectors of a run ({@code -Dinjectors=N}), seen from one of them. On one machine, injector 0 — the JVM
 * Gatling's Maven plugin started — starts injectors 1 … N-1 as JVMs started as it was ({@link SameJvmCommand}),
 * aimed at the same target; started elsewhere ({@code -Dperfgate.injectorsStart=external}: the pods of a Kubernetes
 * Indexed Job), each is started by the engine and finds the others through the shared directory. Either way each
 * runs 1/N of the load ({@link PerfgateRun#share}), every injector holds its load until all are ready so the loads
 * start at one instant, and injector 0 waits for the others' shares at the end (a local one still running then is
 * stopped). Handshakes are files in the shared directory, the one the shares are merged from.
 */
final class Injectors {
    private static final String GO = "go";

    private final HarnessSettings.Injection injection;
    private final Path dir;
    private final List<Process> others = new ArrayList<>();

    Injectors(HarnessSettings.Injection injection, Path dir) {
        this.injection = injection;
        this.dir = dir;
    }

    /**
     * Returns when every injector is ready, at the instant injector 0 chose for all of them. Injector 0 first starts
     * the others aimed at {@code target} (empty: the simulation's own base URL); a failure to start or a timeout
     * stops the run naming the injector.
     */
    void startTogether(String target, boolean serviceDeclared) {
        try {
            Files.createDirectories(dir);
            if (injection.judges()) {
                if (injection.startsOthers()) {
                    startOthers(target, serviceDeclared);
                }
                awaitReady();
                long at = System.currentTimeMillis() + 500;
                Files.writeString(dir.resolve(GO + ".tmp"), Long.toString(at));
                Files.move(dir.resolve(GO + ".tmp"), dir.resolve(GO), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                sleepUntil(at);
            } else {
                Files.writeString(dir.resolve("ready-" + injection.index()),
                        Long.toString(ProcessHandle.current().pid()));
                sleepUntil(awaitGo());
            }
        } catch (IOException e) {
            throw new IllegalStateException("injectors: cannot use " + dir + ": " + e.getMessage(), e);
        }
    }

    private void startOthers(String target, boolean serviceDeclared) throws IOException {
        if (!others.isEmpty()) {
            return;
        }
        for (int i = 1; i < injection.count(); i++) {
            List<String> props = new ArrayList<>(List.of("-Dperfgate.injector=" + i,
                    "-Dperfgate.injectorsDir=" + dir, "-Dperfgate.runDir=" + dir.resolve("injector-" + i + "-run"),
                    "-Dperfgate.confirm=false", "-Dperfgate.history=off", "-Dperfgate.baseline=off",
                    "-Dperfgate.coordinatorPid=" + (serviceDeclared ? ProcessHandle.current().pid() : -1)));
            if (!target.isEmpty()) {
                props.add("-Dperfgate.target=" + target);
            }
            // Gatling's own report of this injector goes beside its share, apart from injector 0's (which is linked)
            List<String> command = SameJvmCommand.withResultsFolder(SameJvmCommand.with(props),
                    dir.resolve("injector-" + i + "-gatling"), "-injector" + i);
            Path log = dir.resolve("injector-" + i + ".log");
            Files.writeString(log, "# " + String.join(" ", command) + System.lineSeparator());
            others.add(new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start());
            System.out.println("perfgate: started injector " + i + " of " + injection.count() + " (pid "
                    + others.get(others.size() - 1).pid() + ", output in " + log + ")");
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(injection.waitSeconds());
        for (int i = 1; i < injection.count(); i++) {
            Path ready = dir.resolve("ready-" + i);
            while (!Files.exists(ready)) {
                Process p = others.isEmpty() ? null : others.get(i - 1);
                if (p != null && !p.isAlive()) {
                    throw new IllegalStateException("injector " + i + " exited with status " + p.exitValue()
                            + " before its load started; see " + dir.resolve("injector-" + i + ".log"));
                }
                if (System.nanoTime() > deadline) {
                    stopOthers();
                    throw new IllegalStateException("injector " + i + " was not ready " + injection.waitSeconds()
                            + " s after it was started (perfgate.injectorWaitSeconds); see "
                            + dir.resolve("injector-" + i + ".log"));
                }
                pause();
            }
        }
    }

    private long awaitGo() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(injection.waitSeconds());
        Path go = dir.resolve(GO);
        while (!Files.exists(go)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("injector " + injection.index() + ": injector 0 gave no start within "
                        + injection.waitSeconds() + " s (perfgate.injectorWaitSeconds)");
            }
            pause();
        }
        return Long.parseLong(Files.readString(go).strip());
    }

    /**
     * Injector 0, after its own load: waits for the others to end (their shares are written as they exit), up to
     * the wait; returns the injectors still running then, which are stopped.
     */
    List<Integer> awaitOthers() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(injection.waitSeconds());
        List<Integer> late = new ArrayList<>();
        if (others.isEmpty()) { // started elsewhere: a share file appears when its injector is done
            for (int i = 1; i < injection.count(); i++) {
                while (!Files.exists(InjectorShare.json(dir, i)) && System.nanoTime() < deadline) {
                    pause();
                }
                if (!Files.exists(InjectorShare.json(dir, i))) {
                    late.add(i);
                }
            }
            return late;
        }
        for (int i = 0; i < others.size(); i++) {
            Process p = others.get(i);
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    late.add(i + 1);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                late.add(i + 1);
            }
        }
        return late;
    }

    /** Returns the other injectors' processes (their CPU is the load generator's, not other work). */
    List<ProcessHandle> processes() {
        return others.stream().map(Process::toHandle).toList();
    }

    private void stopOthers() {
        others.forEach(Process::destroyForcibly);
    }

    private static void sleepUntil(long epochMillis) {
        long left;
        while ((left = epochMillis - System.currentTimeMillis()) > 0) {
            try {
                Thread.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the other injectors", e);
        }
    }
}
