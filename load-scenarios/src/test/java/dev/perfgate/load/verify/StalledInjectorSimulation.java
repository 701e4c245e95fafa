package dev.perfgate.load.verify;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@link GateProofSimulation} with its load generator stopped for one second mid-run: the harness starts a small
 * process that sends this JVM SIGSTOP, sleeps a second and sends SIGCONT — a stall that no thread of this JVM can
 * see coming or prevent, exactly like a machine that stops scheduling it. Judged against GateProofSimulation's
 * baseline: the run must be invalid, and no regression of the service.
 */
public class StalledInjectorSimulation extends GateProofSimulation {
    @Override
    protected String simulationName() {
        return "GateProofSimulation";
    }

    @Override
    public void before() {
        super.before();
        long pid = ProcessHandle.current().pid();
        try {
            // the load has started a moment after before() returns; 5 s in, stop the whole process for 1 s
            new ProcessBuilder("sh", "-c", "sleep 5; kill -STOP " + pid + "; sleep 1; kill -CONT " + pid)
                    .inheritIO().start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not schedule the stall", e);
        }
    }
}
