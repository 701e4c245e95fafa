package dev.perfgate.sut.query;

/**
 * How the service watches its own statements: the part of its configuration {@link StatementStats},
 * {@link SlowStatements} and {@link QueryInsights} need, built and validated at the top ({@code SutConfig}).
 *
 * @param nPlusOneThreshold executions of one statement shape with different values in one request that make an N+1
 *                          suspect
 * @param slowStatementMs   statements at least this slow are logged with their plan
 * @param explainsPerMinute most EXPLAIN plans taken per minute for slow statements
 * @param explainAnalyze    plan read-only statements with EXPLAIN ANALYZE (they run, read-only)
 * @param indexAdvisor      try index candidates for slow and analyzed statements
 */
public record QuerySettings(int nPlusOneThreshold, int slowStatementMs, int explainsPerMinute, boolean explainAnalyze,
                            boolean indexAdvisor) {
}
