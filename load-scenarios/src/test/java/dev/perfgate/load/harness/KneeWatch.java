package dev.perfgate.load.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.perfgate.harness.ExactResults;
import dev.perfgate.harness.PerfgateRun;
import dev.perfgate.reports.Check;
import dev.perfgate.reports.RunResult;

/**
 * Judges a capacity run's levels while it runs, each as soon as its steady window is over, and asks the load
 * generator to stop once {@link #BROKEN_IN_A_ROW} levels in a row have broken a budget: the knee is found and
 * loading harder only stretches the run. One broken level alone does not stop it (the next may hold again: noise,
 * or a pause in the service). The final verdict judges the levels again from the complete recordings.
 */
public final class KneeWatch implements AutoCloseable {
    /** Broken levels in a row that end the run. */
    static final int BROKEN_IN_A_ROW = 2;
    /** A level is judged this long after its window ends, so that its last responses have arrived. */
    private static final long GRACE_MILLIS = 1_000;

    private final Capacity plan;
    private final PerfgateRun perfgate;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "perfgate-knee-watch");
        t.setDaemon(true);
        return t;
    });
    private final List<RunResult.CapacityLevel> judged = new ArrayList<>(); // guarded by this
    private volatile String stopReason;

    KneeWatch(Capacity plan, PerfgateRun perfgate) {
        this.plan = plan;
        this.perfgate = perfgate;
        timer.scheduleWithFixedDelay(this::judgeFinishedLevels, 500, 500, TimeUnit.MILLISECONDS);
    }

    private synchronized void judgeFinishedLevels() {
        try {
            long first = ExactResults.firstRequestMillis();
            if (first < 0 || stopReason != null) {
                return;
            }
            while (judged.size() < plan.levels().size()
                    && System.currentTimeMillis() >= plan.window(judged.size(), first)[1] + GRACE_MILLIS) {
                RunResult.CapacityLevel level = plan.judge(judged.size(), first, perfgate.budgets(),
                        perfgate.stallsSoFar(), perfgate::cpuBetween);
                judged.add(level);
                System.out.printf("perfgate: capacity level %s sessions/s: %s requests/s, %s%s%n",
                        Check.format(level.sessionsPerSecond()), Check.format(level.requestsPerSecond()),
                        level.budgetsHeld() ? "every budget held" : "broke " + String.join(", ", level.breaches()),
                        level.cpu() == null ? "" : " (" + level.cpu().describe() + ")");
                if (brokenInARow() >= BROKEN_IN_A_ROW && judged.size() < plan.levels().size()) {
                    stopReason = "capacity knee found: " + BROKEN_IN_A_ROW + " levels in a row broke a budget (last "
                            + Check.format(level.sessionsPerSecond()) + " sessions/s); stopping the load";
                    System.out.println("perfgate: " + stopReason);
                    return;
                }
            }
        } catch (RuntimeException e) {
            System.err.println("perfgate: capacity watch: " + e); // the final verdict judges the levels regardless
        }
    }

    private int brokenInARow() {
        int n = 0;
        for (int i = judged.size() - 1; i >= 0 && !judged.get(i).budgetsHeld(); i--) {
            n++;
        }
        return n;
    }

    /** Returns whether the knee is found and the load should stop. */
    public boolean stopRequested() {
        return stopReason != null;
    }

    /** Returns why the load stops, or null while it goes on. */
    public String stopReason() {
        return stopReason;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
