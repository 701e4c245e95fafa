package dev.perfgate.analyzer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The fallback without HypoPG: each candidate is built for real ({@code CREATE INDEX} in a transaction), the
 * statement is planned (plain EXPLAIN: planning only), and the transaction is rolled back, index and all.
 *
 * <p>The build takes a SHARE lock, for which every writer of the table waits. So: the lock is waited for at most
 * {@code lockTimeoutMs} — a table a transaction is writing is skipped as busy rather than queued behind, with every
 * later writer queued behind the advisor; only tables up to {@code maxBuildRows} rows are built on (a larger one
 * only with the limit lifted explicitly); a build is given {@code buildTimeoutMs}; and nothing else runs while the
 * lock is held: no EXPLAIN ANALYZE, no re-execution. After each trial it pauses as long as it held the lock, so
 * that queued writers drain. Each outcome that is not a plan says why.
 */
final class BuiltIndexes implements IndexTrials {
    private final Settings settings;

    BuiltIndexes(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String method() {
        return "build";
    }

    @Override
    public boolean together() {
        return false;
    }

    @Override
    public Outcome plan(Connection c, String sql, List<IndexAdvisor.Candidate> candidates) {
        Set<String> tables = new LinkedHashSet<>();
        candidates.forEach(candidate -> tables.add(candidate.table().qualified()));
        // the lock is held while every candidate of the trial is built: the rows they index bound that time
        double rows = candidates.stream().mapToDouble(candidate -> candidate.table().rows()).sum();
        if (settings.maxBuildRows() > 0 && rows > settings.maxBuildRows()) {
            return Outcome.skipped(String.format(Locale.ROOT, "not built: indexing %s means %,.0f rows, above the"
                            + " limit of %,d for real builds (writers wait for a build); install HypoPG, or lift the"
                            + " limit (--max-build-rows 0) where writers can wait", String.join(", ", tables), rows,
                    settings.maxBuildRows()));
        }
        Map<String, String> keyByName = new HashMap<>();
        long locked = System.nanoTime();
        try {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL lock_timeout = " + settings.lockTimeoutMs());
                s.execute("SET LOCAL statement_timeout = " + settings.buildTimeoutMs());
                for (IndexAdvisor.Candidate candidate : candidates) {
                    String name = "perfgate_trial_"
                            + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
                    s.execute(candidate.ddl(name, false));
                    keyByName.put(name, candidate.key());
                }
                s.execute("SET LOCAL statement_timeout = 30000");
            }
            return IndexTrials.planWith(c, sql, keyByName);
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            return Outcome.skipped(switch (state) {
                case "55P03" -> "busy: another transaction held " + String.join(", ", tables)
                        + " for longer than the " + settings.lockTimeoutMs() + " ms lock timeout; skipped rather"
                        + " than making its writers queue behind the build";
                case "57014" -> "the build took longer than " + settings.buildTimeoutMs() + " ms and was cancelled";
                default -> "build failed: " + e.getMessage();
            });
        } finally {
            IndexTrials.rollback(c);
            yieldToWriters(System.nanoTime() - locked);
        }
    }

    /**
     * Waits as long as the lock was held (or waited for), so that the writers queued behind the build get through
     * before the next one: the advisor holds a table at most half the time, and no writer waits for two builds.
     */
    private static void yieldToWriters(long heldNanos) {
        try {
            java.util.concurrent.TimeUnit.NANOSECONDS.sleep(heldNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
