package dev.perfgate.sut.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * The cache's Redis (Lettuce): values, tag versions, the invalidation sequence and the invalidation channel, every
 * call behind a Resilience4j circuit breaker. Commands time out after {@code SUT_REDIS_TIMEOUT_MS} and are rejected
 * at once while disconnected (Lettuce would otherwise queue them until it reconnects), so a Redis outage costs a
 * request at most one timeout before the breaker opens, and nothing after.
 */
final class RedisTier implements AutoCloseable {
    private final String seqKey;
    private final String channel;
    private final String tagPrefix;
    private final String valuePrefix;
    /** INCR the sequence and each tag's version, publish "seq tag version ..." and return {seq, versions...}. */
    private static final String INVALIDATE = """
            local seq = redis.call('INCR', KEYS[1])
            local out = {seq}
            local msg = tostring(seq)
            for i = 2, #KEYS do
              local v = redis.call('INCR', KEYS[i])
              out[#out + 1] = v
              msg = msg .. ' ' .. ARGV[i - 1] .. ' ' .. v
            end
            redis.call('PUBLISH', ARGV[#ARGV], msg)
            return out""";

    /** Redis could not be used for this call (error, timeout, or the breaker is open). */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final String url;
    private final RedisClient client;
    private final StatefulRedisConnection<String, byte[]> connection;
    private final StatefulRedisPubSubConnection<String, String> pubsub;
    private final CircuitBreaker breaker;
    private final LongAdder errors = new LongAdder();
    private final java.util.concurrent.atomic.AtomicInteger writesInFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final Duration timeout;

    /**
     * @param namespace separates the data of different databases sharing one Redis (keys, versions, channel are
     *                  all under {@code perfgate:<namespace>:})
     */
    RedisTier(String url, String namespace, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        String prefix = "perfgate:" + namespace + ":";
        this.seqKey = prefix + "inv:seq";
        this.channel = prefix + "inv";
        this.tagPrefix = prefix + "tag:";
        this.valuePrefix = prefix + "v:";
        this.client = RedisClient.create(RedisURI.create(url));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        try {
            this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
            connection.setTimeout(timeout);
            this.pubsub = client.connectPubSub();
        } catch (RuntimeException e) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            throw new IllegalStateException("cannot connect to Redis at " + url + " (SUT_REDIS_URL): " + e.getMessage()
                    + "; set SUT_REDIS_URL=none for an L1-only cache", e);
        }
        this.breaker = CircuitBreaker.of("redis", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(1))
                .permittedNumberOfCallsInHalfOpenState(3)
                .build());
    }

    String url() {
        return url;
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    long errors() {
        return errors.sum();
    }

    /** Listens to the invalidation channel; Lettuce resubscribes by itself after a reconnect. */
    void subscribe(Consumer<String> onMessage) {
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                onMessage.accept(message);
            }
        });
        pubsub.sync().subscribe(channel);
    }

    byte[] get(String cache, String key) throws Unavailable {
        return call(() -> connection.sync().get(valuePrefix + cache + ":" + key));
    }

    /** Writes a value without waiting for the reply; the outcome still counts towards the breaker. */
    void setAsync(String cache, String key, byte[] value, long ttlMillis) {
        if (!breaker.tryAcquirePermission()) {
            return;
        }
        long start = System.nanoTime();
        writesInFlight.incrementAndGet();
        try {
            connection.async().set(valuePrefix + cache + ":" + key, value, SetArgs.Builder.px(ttlMillis))
                    .whenComplete((ok, failure) -> {
                        writesInFlight.decrementAndGet();
                        long nanos = System.nanoTime() - start;
                        if (failure != null) {
                            errors.increment();
                            breaker.onError(nanos, TimeUnit.NANOSECONDS, failure);
                        } else {
                            breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
                        }
                    });
        } catch (RuntimeException e) {
            writesInFlight.decrementAndGet();
            errors.increment();
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
        }
    }

    /** Waits (up to the timeout) until every write issued so far has been answered. */
    boolean awaitWrites(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (writesInFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /** Bumps the tags' versions and announces it; returns {sequence, version of each tag}. */
    long[] invalidate(String[] tags) throws Unavailable {
        String[] keys = new String[tags.length + 1];
        byte[][] args = new byte[tags.length + 1][];
        keys[0] = seqKey;
        for (int i = 0; i < tags.length; i++) {
            keys[i + 1] = tagPrefix + tags[i];
            args[i] = tags[i].getBytes(StandardCharsets.UTF_8);
        }
        args[tags.length] = channel.getBytes(StandardCharsets.UTF_8);
        List<Long> result = call(() -> connection.sync().eval(INVALIDATE, ScriptOutputType.MULTI, keys, args));
        return result.stream().mapToLong(Long::longValue).toArray();
    }

    /** Returns the invalidation sequence: how many invalidations Redis has seen. */
    long sequence() throws Unavailable {
        byte[] v = call(() -> connection.sync().get(seqKey));
        return v == null ? 0 : Long.parseLong(new String(v, StandardCharsets.US_ASCII));
    }

    /** Returns several tags' versions in one round trip. */
    long[] tagVersions(String[] tags) throws Unavailable {
        String[] keys = new String[tags.length];
        for (int i = 0; i < tags.length; i++) {
            keys[i] = tagPrefix + tags[i];
        }
        List<io.lettuce.core.KeyValue<String, byte[]>> values = call(() -> connection.sync().mget(keys));
        long[] out = new long[tags.length];
        for (int i = 0; i < tags.length; i++) {
            io.lettuce.core.KeyValue<String, byte[]> kv = values.get(i);
            out[i] = kv.hasValue() ? Long.parseLong(new String(kv.getValue(), StandardCharsets.US_ASCII)) : 0;
        }
        return out;
    }

    private <T> T call(Callable<T> command) throws Unavailable {
        try {
            return breaker.executeCallable(command);
        } catch (CallNotPermittedException e) {
            throw new Unavailable("circuit breaker open");
        } catch (Exception e) {
            errors.increment();
            throw new Unavailable(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * Closes the connections once the writes already issued have been answered (at most one command timeout), so a
     * node that stops does not race its last L2 writes. On loopback they had always landed by then in our tests
     * (a test of it could not fail here), so this is a bound on a race, not a fix of one seen.
     */
    @Override
    public void close() {
        try {
            awaitWrites(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pubsub.close();
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
