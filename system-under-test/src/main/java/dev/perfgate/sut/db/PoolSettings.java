package dev.perfgate.sut.db;

/**
 * How the two connection pools are sized and how long they wait: the part of the service's configuration the
 * {@link Database} needs, built and validated at the top ({@code SutConfig}) and handed down.
 *
 * @param writePoolSize       connections to the primary
 * @param readPoolSize        connections to the read database (the primary unless a replica is configured)
 * @param connectionTimeoutMs longest wait for a pooled connection
 * @param statementTimeoutMs  server-side {@code statement_timeout} of every pooled connection, 0 for none
 * @param leakDetectionMs     a connection held longer than this is logged with where it was borrowed, 0 for off
 */
public record PoolSettings(int writePoolSize, int readPoolSize, long connectionTimeoutMs, long statementTimeoutMs,
                           long leakDetectionMs) {
}
