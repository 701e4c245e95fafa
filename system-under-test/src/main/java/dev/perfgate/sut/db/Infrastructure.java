package dev.perfgate.sut.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

import dev.perfgate.embedded.EmbeddedPostgres;
import dev.perfgate.embedded.EmbeddedRedis;

/**
 * Where the service's database comes from, chosen explicitly by {@code SUT_INFRA}: an embedded PostgreSQL
 * (default), an external one ({@code SUT_DB_URL}, optionally a replica in {@code SUT_DB_READ_URL}), or containers of
 * the image versions a team runs in production ({@code testcontainers}, which needs a Docker engine).
 */
public final class Infrastructure implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Infrastructure.class.getName());

    private final InfraSettings.Kind kind;
    private final String primaryUrl;
    private final String readUrl;
    private final Optional<String> redisUrl;
    private final Optional<EmbeddedPostgres> embedded;
    private final Optional<EmbeddedRedis> embeddedRedis;
    private final List<AutoCloseable> resources;

    private Infrastructure(InfraSettings.Kind kind, String primaryUrl, String readUrl, Optional<String> redisUrl,
                           Optional<EmbeddedPostgres> embedded, List<AutoCloseable> resources) {
        this.kind = kind;
        this.primaryUrl = primaryUrl;
        this.readUrl = readUrl;
        this.embedded = embedded;
        this.resources = new ArrayList<>(resources);
        // the cache's Redis: embedded when none is configured, none when SUT_REDIS_URL=none
        if (redisUrl.isEmpty()) {
            EmbeddedRedis redis = EmbeddedRedis.startFresh();
            this.resources.add(redis);
            this.embeddedRedis = Optional.of(redis);
            this.redisUrl = Optional.of(redis.url());
        } else {
            this.embeddedRedis = Optional.empty();
            this.redisUrl = redisUrl.filter(u -> !u.equals("none"));
        }
    }

    /** Starts or connects what the configuration names. */
    public static Infrastructure start(InfraSettings config) {
        return switch (config.kind()) {
            case EMBEDDED -> {
                EmbeddedPostgres pg = EmbeddedPostgres.startFresh();
                yield new Infrastructure(config.kind(), pg.jdbcUrl(), pg.jdbcUrl(), config.redisUrl(),
                        Optional.of(pg), List.of(pg));
            }
            case EXTERNAL -> {
                String primary = config.dbUrl().orElseThrow();
                yield new Infrastructure(config.kind(), primary, config.dbReadUrl().orElse(primary),
                        config.redisUrl(), Optional.empty(), List.of());
            }
            case TESTCONTAINERS -> startContainers(config);
        };
    }

    private static Infrastructure startContainers(InfraSettings config) {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("SUT_INFRA=testcontainers needs a Docker engine, and none answers here;"
                    + " use SUT_INFRA=embedded (the default) or SUT_DB_URL for an external database");
        }
        List<AutoCloseable> started = new ArrayList<>();
        PostgreSQLContainer pg = new PostgreSQLContainer(DockerImageName.parse(config.testcontainersPostgresImage())
                .asCompatibleSubstituteFor("postgres"))
                .withDatabaseName(EmbeddedPostgres.DATABASE);
        pg.start();
        started.add(pg);
        String jdbc = pg.getJdbcUrl() + (pg.getJdbcUrl().contains("?") ? "&" : "?")
                + "user=" + pg.getUsername() + "&password=" + pg.getPassword();
        Optional<String> redis = config.redisUrl();
        if (redis.isEmpty()) {
            GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(config.testcontainersRedisImage()))
                    .withExposedPorts(6379);
            container.start();
            started.add(container);
            redis = Optional.of("redis://" + container.getHost() + ":" + container.getMappedPort(6379));
        }
        LOG.info("testcontainers: PostgreSQL " + config.testcontainersPostgresImage() + " and Redis at " + redis.get());
        return new Infrastructure(config.kind(), jdbc, jdbc, redis, Optional.empty(), List.copyOf(started));
    }

    /** Returns the kind of infrastructure in use. */
    public InfraSettings.Kind kind() {
        return kind;
    }

    /** Returns the JDBC URL of the primary (writes). */
    public String primaryUrl() {
        return primaryUrl;
    }

    /** Returns the JDBC URL reads go to (the primary unless a replica is configured). */
    public String readUrl() {
        return readUrl;
    }

    /** Returns the Redis URL the cache uses (configured, container or embedded); empty for L1 only. */
    public Optional<String> redisUrl() {
        return redisUrl;
    }

    /** Returns the embedded Redis when there is one (tests stop and restart it). */
    public Optional<EmbeddedRedis> embeddedRedis() {
        return embeddedRedis;
    }

    /** Returns the embedded server when there is one (tests stop and restart it). */
    public Optional<EmbeddedPostgres> embedded() {
        return embedded;
    }

    @Override
    public void close() {
        for (AutoCloseable resource : resources.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warning("could not stop " + resource + ": " + e.getMessage());
            }
        }
    }
}
