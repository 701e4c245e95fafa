package dev.perfgate.sut;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import dev.perfgate.sut.cache.CacheSettings;
import dev.perfgate.sut.cache.CacheStrategy;
import dev.perfgate.sut.db.InfraSettings;
import dev.perfgate.sut.db.PoolSettings;
import dev.perfgate.sut.db.SeedSettings;
import dev.perfgate.sut.http.AccessSettings;
import dev.perfgate.sut.http.Faults;
import dev.perfgate.sut.http.RateLimiter;
import dev.perfgate.sut.http.ResponseEncoding;
import dev.perfgate.sut.http.ResponseSettings;
import dev.perfgate.sut.query.QuerySettings;

/**
 * The service's configuration, read from environment variables or from {@code -D} system properties of the same
 * name in lower case with dots ({@code SUT_PORT} = {@code sut.port}); a system property wins over the environment.
 *
 * <p>Every value is validated when the record is built and a bad one stops start-up with a message naming the key,
 * the value and the rule. Nothing is quietly repaired: a silently changed setting would invalidate a measurement.
 * Unknown {@code SUT_*} keys are errors too, so a typo cannot leave a default in force unnoticed.
 */
public record SutConfig(
        int port,
        Listener listener,
        InfraSettings infrastructure,
        SeedSettings seeding,
        PoolSettings pools,
        QuerySettings queries,
        CacheSettings cache,
        AccessSettings access,
        ResponseSettings responses) {

    /**
     * How the HTTP listener meets its clients: the address it binds, how long it waits for a slow or idle client,
     * and how many connections one client address may hold.
     *
     * @param host                    address to listen on (127.0.0.1: this machine only)
     * @param readTimeoutMs           longest time to receive a started request's headers, and then its body
     * @param writeTimeoutMs          longest time one response write may block because the client does not read
     * @param idleTimeoutMs           an idle keep-alive connection is closed after this long
     * @param maxConnectionsPerClient most open connections from one client address, 0 for no limit
     */
    public record Listener(String host, int readTimeoutMs, int writeTimeoutMs, int idleTimeoutMs,
                           int maxConnectionsPerClient) {
    }

    /**
     * A whole-number setting whose range and default are written once, here: the check that reads it and its line
     * in {@link #KEYS} (and so the message listing the settings) both come from this record.
     *
     * @param what    what the value means, the start of its description
     * @param zero    what 0 means when it is allowed outside the range (e.g. "off"), or null
     * @param unit    the unit after the range ("ms", "bytes"), or empty
     * @param note    a remark after the range, or empty
     */
    record Whole(String key, String what, long defaultValue, long min, long max, String zero, String unit,
                 String note) {

        static Whole of(String key, String what, long defaultValue, long min, long max, String unit) {
            return new Whole(key, what, defaultValue, min, max, null, unit, "");
        }

        /** The same setting, with 0 also allowed and meaning this. */
        Whole zeroMeans(String meaning) {
            return new Whole(key, what, defaultValue, min, max, meaning, unit, note);
        }

        /** The same setting, with a remark after its range. */
        Whole noting(String remark) {
            return new Whole(key, what, defaultValue, min, max, zero, unit, remark);
        }

        /** Returns the description: what it means, its range, any remark, its default. */
        String describe() {
            return what + ", " + (zero == null ? "" : "0 (" + zero + ") or ") + min + ".." + max
                    + (unit.isEmpty() ? "" : " " + unit) + (note.isEmpty() ? "" : "; " + note)
                    + " (default " + defaultValue + ")";
        }

        /** Returns the rule a bad value breaks, for the message that stops start-up. */
        String rule() {
            return "must be " + (zero == null ? "" : "0 (" + zero + ") or ") + "an integer from " + min + " to " + max;
        }
    }

    static final Whole PORT = Whole.of("SUT_PORT", "HTTP port", 8080, 0, 65535, "").noting("0 picks a free one");
    static final Whole READ_TIMEOUT = Whole.of("SUT_READ_TIMEOUT_MS", "a request's headers, once it has started, and"
            + " then its body must each arrive within this time or the connection is closed", 10_000, 100, 600_000, "ms");
    static final Whole WRITE_TIMEOUT = Whole.of("SUT_WRITE_TIMEOUT_MS", "a response write that blocks this long (the"
            + " client stopped reading) closes the connection", 30_000, 100, 600_000, "ms");
    static final Whole IDLE_TIMEOUT = Whole.of("SUT_IDLE_TIMEOUT_MS", "an idle keep-alive connection is closed after"
            + " this long", 60_000, 1000, 3_600_000, "ms");
    static final Whole MAX_CONNECTIONS_PER_CLIENT = Whole.of("SUT_MAX_CONNECTIONS_PER_CLIENT", "most open connections"
            + " from one client address", 2048, 1, 100_000, "").zeroMeans("no limit")
            .noting("one more is answered 503 and closed");
    static final Whole DB_POOL_SIZE = Whole.of("SUT_DB_POOL_SIZE", "write pool size", 10, 1, 200, "");
    static final Whole DB_READ_POOL_SIZE = Whole.of("SUT_DB_READ_POOL_SIZE", "read pool size", 10, 1, 200, "");
    static final Whole DB_CONNECTION_TIMEOUT = Whole.of("SUT_DB_CONNECTION_TIMEOUT_MS", "wait for a pooled"
            + " connection", 2000, 250, 60_000, "ms");
    static final Whole DB_STATEMENT_TIMEOUT = Whole.of("SUT_DB_STATEMENT_TIMEOUT_MS", "server-side statement_timeout",
            5000, 10, 600_000, "ms").zeroMeans("off");
    // off by default: HikariCP schedules and cancels a timer task per borrow, 27x the cost of a borrow
    // (PoolBenchmark); on in the test suite, in development and when hunting a leak
    static final Whole DB_LEAK_DETECTION = Whole.of("SUT_DB_LEAK_DETECTION_MS", "log a connection held longer than"
            + " this", 0, 2000, 600_000, "ms").zeroMeans("off");
    static final Whole MAX_BODY_BYTES = Whole.of("SUT_MAX_BODY_BYTES", "largest accepted request body", 65_536, 256,
            10 * 1024 * 1024, "bytes");
    static final Whole NPLUSONE_THRESHOLD = Whole.of("SUT_QUERY_NPLUSONE_THRESHOLD", "executions of one statement"
            + " shape with different values in one request that make an N+1 suspect", 5, 2, 1000, "");
    static final Whole QUERY_SLOW = Whole.of("SUT_QUERY_SLOW_MS", "statements at least this slow are logged with"
            + " their plan", 100, 1, 600_000, "ms");
    static final Whole EXPLAINS_PER_MINUTE = Whole.of("SUT_QUERY_EXPLAIN_PER_MINUTE", "most EXPLAIN plans taken per"
            + " minute for slow statements", 30, 0, 10_000, "").noting("0 logs without plans");
    static final Whole CACHE_COMPRESS_MIN = Whole.of("SUT_CACHE_COMPRESS_MIN_BYTES", "encoded values at least this"
            + " large are compressed in L2", 1024, 0, 1 << 20, "bytes").noting("0 compresses everything");
    static final Whole REDIS_TIMEOUT = Whole.of("SUT_REDIS_TIMEOUT_MS", "timeout of each Redis command", 100, 5,
            10_000, "ms");
    static final Whole CACHE_SYNC = Whole.of("SUT_CACHE_SYNC_MS", "how often each node checks for invalidations it"
            + " missed", 100, 20, 10_000, "ms").noting("a lost message leaves an entry stale at most twice this long");
    static final Whole COMPRESSION_MIN = Whole.of("SUT_COMPRESSION_MIN_BYTES", "smallest response body that is"
            + " compressed", 1024, 0, 1 << 20, "bytes");
    static final Whole SSE_INTERVAL = Whole.of("SUT_SSE_INTERVAL_MS", "how often the live streams send figures",
            5000, 100, 600_000, "ms");
    static final Whole SSE_HEARTBEAT = Whole.of("SUT_SSE_HEARTBEAT_MS", "longest silence on a live stream before a"
            + " heartbeat comment", 15_000, 100, 600_000, "ms");
    static final Whole EXPORT_FETCH_SIZE = Whole.of("SUT_EXPORT_FETCH_SIZE", "rows an export fetches from its"
            + " database cursor at a time", 1000, 10, 100_000, "");
    static final Whole SLOW_REQUEST = Whole.of("SUT_SLOW_REQUEST_MS", "requests at least this slow are logged with"
            + " their X-Request-Id", 1000, 1, 600_000, "ms");

    /** Limits of the two tiers a fresh install has: callers without a key, and partners with one. */
    public static final String DEFAULT_RATE_LIMITS = "anonymous=50/s:100,partner=500/s:1000";

    /** Every key the service understands, with its meaning; docs/service.md's table is written from the same list. */
    public static final Map<String, String> KEYS = keys();

    private static Map<String, String> keys() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put(PORT.key(), PORT.describe());
        k.put("SUT_HOST", "address to listen on: 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or another"
                + " address of this machine (default 127.0.0.1)");
        k.put(READ_TIMEOUT.key(), READ_TIMEOUT.describe());
        k.put(WRITE_TIMEOUT.key(), WRITE_TIMEOUT.describe());
        k.put(IDLE_TIMEOUT.key(), IDLE_TIMEOUT.describe());
        k.put(MAX_CONNECTIONS_PER_CLIENT.key(), MAX_CONNECTIONS_PER_CLIENT.describe());
        k.put("SUT_INFRA", "embedded, external or testcontainers (default: external if SUT_DB_URL is set, else embedded)");
        k.put("SUT_DB_URL", "JDBC URL of the primary PostgreSQL (default: embedded)");
        k.put("SUT_DB_READ_URL", "JDBC URL of a read replica (default: the primary)");
        k.put("SUT_REDIS_URL", "redis://host:port, or none (default: embedded)");
        k.put("SUT_SCALE", "data scale factor for the seeder, > 0 and <= 100 (default 1: about 1.1 million rows)");
        k.put("SUT_SEED", "random seed of the seeder (default 42)");
        k.put("SUT_SEED_ON_START", "seed an empty database at start-up: true or false (default true)");
        k.put("SUT_ADMIN_TOKEN", "bearer token for /api/admin/*, at least 16 characters (default: random, printed)");
        k.put(DB_POOL_SIZE.key(), DB_POOL_SIZE.describe());
        k.put(DB_READ_POOL_SIZE.key(), DB_READ_POOL_SIZE.describe());
        k.put(DB_CONNECTION_TIMEOUT.key(), DB_CONNECTION_TIMEOUT.describe());
        k.put(DB_STATEMENT_TIMEOUT.key(), DB_STATEMENT_TIMEOUT.describe());
        k.put(DB_LEAK_DETECTION.key(), DB_LEAK_DETECTION.describe());
        k.put(MAX_BODY_BYTES.key(), MAX_BODY_BYTES.describe());
        k.put(NPLUSONE_THRESHOLD.key(), NPLUSONE_THRESHOLD.describe());
        k.put(QUERY_SLOW.key(), QUERY_SLOW.describe());
        k.put(EXPLAINS_PER_MINUTE.key(), EXPLAINS_PER_MINUTE.describe());
        k.put("SUT_QUERY_EXPLAIN_ANALYZE", "plan read-only statements with EXPLAIN ANALYZE, which runs them (in a"
                + " read-only transaction): true or false (default false)");
        k.put("SUT_QUERY_INDEX_ADVISOR", "try index candidates for slow and analyzed statements, with HypoPG where the"
                + " database has it (nothing built), else by building each in a rolled-back transaction on tables of at"
                + " most 20,000 rows (writers wait for the build): true or false (default false)");
        k.put("SUT_CACHE_ENABLED", "two-level cache (Caffeine L1, Redis L2) for hot reads: true or false (default true)");
        k.put("SUT_CACHE_STRATEGIES", "cache strategies, name:l1=<entries or N MB>/<ttl>,l2=<ttl>[,jitter=0.1]"
                + "[,negative=10s] separated by ; (default " + CacheStrategy.DEFAULTS + ")");
        k.put(CACHE_COMPRESS_MIN.key(), CACHE_COMPRESS_MIN.describe());
        k.put(REDIS_TIMEOUT.key(), REDIS_TIMEOUT.describe());
        k.put(CACHE_SYNC.key(), CACHE_SYNC.describe());
        k.put("SUT_CACHE_WARMUP", "load the hottest keys at start-up: true or false (default false)");
        k.put("SUT_RATE_LIMITS", "per-client token buckets by tier, name=TOKENS/UNIT[:BURST] separated by commas (UNIT s,"
                + " m or h; a tier named anonymous is required), or off (default " + DEFAULT_RATE_LIMITS + ")");
        k.put("SUT_API_KEYS", "API keys (header X-Api-Key) and their tiers, key=tier separated by commas, keys of 16 to"
                + " 128 letters, digits, - or _ (default: none; every client is anonymous, by remote address)");
        k.put("SUT_COMPRESSION", "response codings offered, most preferred first, from zstd, br, gzip, or none"
                + " (default zstd,br,gzip)");
        k.put(COMPRESSION_MIN.key(), COMPRESSION_MIN.describe());
        k.put(SSE_INTERVAL.key(), SSE_INTERVAL.describe());
        k.put(SSE_HEARTBEAT.key(), SSE_HEARTBEAT.describe());
        k.put(EXPORT_FETCH_SIZE.key(), EXPORT_FETCH_SIZE.describe());
        k.put(SLOW_REQUEST.key(), SLOW_REQUEST.describe());
        k.put("SUT_FAULTS", "faults injected on purpose, to prove that a load test's gate catches them: entries"
                + " separated by ';', each delay@ROUTE=MS (sleep before the endpoint) or statement@ROUTE (one extra"
                + " SELECT), ROUTE as 'GET /api/clients/{id}/timeline' (default: none)");
        k.put("SUT_TC_POSTGRES_IMAGE", "PostgreSQL image for SUT_INFRA=testcontainers (default postgres:17-alpine)");
        k.put("SUT_TC_REDIS_IMAGE", "Redis image for SUT_INFRA=testcontainers (default redis:7-alpine)");
        return java.util.Collections.unmodifiableMap(k);
    }

    /** Reads the configuration of this process: its environment and system properties. */
    public static SutConfig fromEnvironment() {
        return from(System.getenv(), System.getProperties());
    }

    /** Reads and validates a configuration; throws {@link ConfigException} listing every problem found. */
    public static SutConfig from(Map<String, String> env, Properties properties) {
        ConfigReader r = new ConfigReader(env, properties);
        int port = (int) r.whole(PORT);
        String host = r.host("SUT_HOST", "127.0.0.1");
        int readTimeout = (int) r.whole(READ_TIMEOUT);
        int writeTimeout = (int) r.whole(WRITE_TIMEOUT);
        int idleTimeout = (int) r.whole(IDLE_TIMEOUT);
        int perClient = (int) r.whole(MAX_CONNECTIONS_PER_CLIENT);
        Optional<String> dbUrl = r.jdbcUrl("SUT_DB_URL");
        Optional<String> dbReadUrl = r.jdbcUrl("SUT_DB_READ_URL");
        InfraSettings.Kind infra = r.infra(dbUrl.isPresent());
        Optional<String> redisUrl = r.redisUrl("SUT_REDIS_URL");
        double scale = r.scale("SUT_SCALE");
        long seed = r.longValue("SUT_SEED", 42);
        boolean seedOnStart = r.bool("SUT_SEED_ON_START", true);
        Optional<String> token = r.raw("SUT_ADMIN_TOKEN");
        if (token.isPresent() && token.get().length() < 16) {
            r.problem("SUT_ADMIN_TOKEN", "<hidden, " + token.get().length() + " characters>",
                    "must be at least 16 characters");
        }
        int poolSize = (int) r.whole(DB_POOL_SIZE);
        int readPoolSize = (int) r.whole(DB_READ_POOL_SIZE);
        long connectionTimeout = r.whole(DB_CONNECTION_TIMEOUT);
        long statementTimeout = r.whole(DB_STATEMENT_TIMEOUT);
        long leakDetection = r.whole(DB_LEAK_DETECTION);
        int maxBody = (int) r.whole(MAX_BODY_BYTES);
        int nPlusOne = (int) r.whole(NPLUSONE_THRESHOLD);
        int slowMs = (int) r.whole(QUERY_SLOW);
        int explains = (int) r.whole(EXPLAINS_PER_MINUTE);
        boolean explainAnalyze = r.bool("SUT_QUERY_EXPLAIN_ANALYZE", false);
        boolean indexAdvisor = r.bool("SUT_QUERY_INDEX_ADVISOR", false);
        boolean cacheEnabled = r.bool("SUT_CACHE_ENABLED", true);
        Map<String, CacheStrategy> strategies = CacheStrategy.parse(CacheStrategy.DEFAULTS);
        Optional<String> strategySpec = r.raw("SUT_CACHE_STRATEGIES");
        if (strategySpec.isPresent()) {
            try {
                strategies = CacheStrategy.parse(strategySpec.get());
            } catch (IllegalArgumentException e) {
                r.problem("SUT_CACHE_STRATEGIES", strategySpec.get(), e.getMessage());
            }
        }
        int compressMin = (int) r.whole(CACHE_COMPRESS_MIN);
        int redisTimeout = (int) r.whole(REDIS_TIMEOUT);
        int syncMs = (int) r.whole(CACHE_SYNC);
        boolean warmup = r.bool("SUT_CACHE_WARMUP", false);
        String pgImage = r.image("SUT_TC_POSTGRES_IMAGE", "postgres:17-alpine");
        String redisImage = r.image("SUT_TC_REDIS_IMAGE", "redis:7-alpine");
        List<RateLimiter.Tier> rateLimits = List.of();
        String limitSpec = r.raw("SUT_RATE_LIMITS").orElse(DEFAULT_RATE_LIMITS);
        if (!limitSpec.equals("off")) {
            try {
                rateLimits = RateLimiter.parseTiers(limitSpec);
            } catch (IllegalArgumentException e) {
                r.problem("SUT_RATE_LIMITS", limitSpec, e.getMessage() + ", or be off");
            }
        }
        Map<String, String> apiKeys = Map.of();
        Optional<String> keySpec = r.raw("SUT_API_KEYS");
        if (keySpec.isPresent() && !keySpec.get().isEmpty()) {
            try {
                apiKeys = RateLimiter.parseKeys(keySpec.get(),
                        rateLimits.stream().map(RateLimiter.Tier::name).collect(java.util.stream.Collectors.toSet()));
            } catch (IllegalArgumentException e) {
                r.problem("SUT_API_KEYS", "<hidden>", e.getMessage());
            }
        }
        List<ResponseEncoding.Coding> compression = r.codings("SUT_COMPRESSION");
        int compressionMin = (int) r.whole(COMPRESSION_MIN);
        int sseInterval = (int) r.whole(SSE_INTERVAL);
        int sseHeartbeat = (int) r.whole(SSE_HEARTBEAT);
        int exportFetch = (int) r.whole(EXPORT_FETCH_SIZE);
        int slowRequest = (int) r.whole(SLOW_REQUEST);
        String faults = r.raw("SUT_FAULTS").orElse("");
        try {
            Faults.parse(faults);
        } catch (IllegalArgumentException e) {
            r.problem("SUT_FAULTS", faults, e.getMessage());
        }

        if (infra == InfraSettings.Kind.EXTERNAL && dbUrl.isEmpty()) {
            r.problem("SUT_INFRA", "external", "needs SUT_DB_URL to name the database");
        }
        if (infra != InfraSettings.Kind.EXTERNAL && dbUrl.isPresent()) {
            r.problem("SUT_INFRA", infra.name().toLowerCase(Locale.ROOT),
                    "conflicts with SUT_DB_URL, which is only used with SUT_INFRA=external");
        }
        if (dbReadUrl.isPresent() && infra != InfraSettings.Kind.EXTERNAL) {
            r.problem("SUT_DB_READ_URL", dbReadUrl.get(), "is only used with SUT_INFRA=external");
        }
        r.rejectUnknownKeys();
        r.throwIfProblems();

        boolean generated = token.isEmpty();
        String adminToken = token.orElseGet(SutConfig::randomToken);
        return new SutConfig(port, new Listener(host, readTimeout, writeTimeout, idleTimeout, perClient),
                new InfraSettings(infra, dbUrl, dbReadUrl, redisUrl, pgImage, redisImage),
                new SeedSettings(scale, seed, seedOnStart),
                new PoolSettings(poolSize, readPoolSize, connectionTimeout, statementTimeout, leakDetection),
                new QuerySettings(nPlusOne, slowMs, explains, explainAnalyze, indexAdvisor),
                new CacheSettings(cacheEnabled, strategies, compressMin, redisTimeout, syncMs, warmup),
                new AccessSettings(adminToken, generated, rateLimits, apiKeys),
                new ResponseSettings(maxBody, compression, compressionMin, sseInterval, sseHeartbeat, exportFetch,
                        slowRequest, faults));
    }

    private static String randomToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Start-up stopped by bad configuration; the message lists every bad key. */
    public static final class ConfigException extends RuntimeException {
        private final List<String> problems;

        ConfigException(List<String> problems) {
            super("Invalid configuration:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        /** Returns one line per bad key: key, value and rule. */
        public List<String> problems() {
            return problems;
        }
    }
}
