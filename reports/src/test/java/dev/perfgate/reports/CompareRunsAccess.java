package dev.perfgate.reports;

import java.io.PrintStream;

/** Lets the history tests (another package) run the command as its main does, with their own streams. */
public final class CompareRunsAccess {
    private CompareRunsAccess() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CompareRuns.run(args, out, err);
    }
}
