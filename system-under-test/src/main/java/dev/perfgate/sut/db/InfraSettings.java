package dev.perfgate.sut.db;

import java.util.Optional;

/**
 * Where the database and Redis come from: the part of the service's configuration {@link Infrastructure} needs,
 * built and validated at the top ({@code SutConfig}) and handed down.
 *
 * @param kind                        embedded, external or containers
 * @param dbUrl                       the external primary's JDBC URL ({@link Kind#EXTERNAL} only)
 * @param dbReadUrl                   an external read replica's JDBC URL, if any
 * @param redisUrl                    Redis to use; empty starts an embedded one, {@code none} runs without L2
 * @param testcontainersPostgresImage PostgreSQL image for {@link Kind#TESTCONTAINERS}
 * @param testcontainersRedisImage    Redis image for {@link Kind#TESTCONTAINERS}
 */
public record InfraSettings(Kind kind, Optional<String> dbUrl, Optional<String> dbReadUrl, Optional<String> redisUrl,
                            String testcontainersPostgresImage, String testcontainersRedisImage) {

    /** Where the database comes from. */
    public enum Kind { EMBEDDED, EXTERNAL, TESTCONTAINERS }
}
