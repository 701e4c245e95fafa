package dev.perfgate.sut.query;

import java.util.List;

import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;

/**
 * Counts the SQL statements each HTTP request sends, for the {@code X-Query-Count} header.
 *
 * <p>Helidon runs every request on its own virtual thread and JDBC calls stay on it, so a thread-local counter is
 * exact and uncontended. Statements run outside a request (seeding, health checks) are not counted. A JDBC batch
 * counts as the number of statements in it, so per-row updates and a batch of them compare fairly.
 */
public final class StatementCounter implements QueryExecutionListener {
    private static final ThreadLocal<int[]> CURRENT = new ThreadLocal<>();

    /** Starts counting for the request on this thread. */
    public static void begin() {
        CURRENT.set(new int[1]);
    }

    /** Returns the statements counted since {@link #begin()} on this thread, or 0 outside a request. */
    public static int current() {
        int[] count = CURRENT.get();
        return count == null ? 0 : count[0];
    }

    /** Stops counting on this thread. */
    public static void end() {
        CURRENT.remove();
    }

    @Override
    public void beforeQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
        // counted after execution, so that a statement that failed to send is not counted
    }

    @Override
    public void afterQuery(ExecutionInfo execInfo, List<QueryInfo> queryInfoList) {
        int[] count = CURRENT.get();
        if (count != null) {
            count[0] += execInfo.isBatch() ? Math.max(1, execInfo.getBatchSize()) : queryInfoList.size();
        }
    }
}
