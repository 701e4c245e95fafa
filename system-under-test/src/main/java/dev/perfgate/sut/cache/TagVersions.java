package dev.perfgate.sut.cache;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What this node knows of the tags' versions, and the invalidation bus that keeps it current across nodes: an
 * invalidation bumps a tag's version in Redis (one script call) and publishes "sequence tag version ..."; every node
 * applies what arrives. A gap in the sequence, or a sequence in Redis that stays ahead of what arrived for a whole
 * sync interval, makes the node forget its versions and re-read them. While Redis is away the node bumps versions
 * locally, keeps the invalidations and replays them before L2 is used again ({@link #l2Usable}).
 *
 * <p>An entry is current when the versions it was loaded under are the tags' current ones. Every change of a known
 * version bumps an epoch; an entry found current at the current epoch is current without looking at its tags, so a
 * hit costs one volatile read here until something is invalidated.
 */
final class TagVersions implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TagVersions.class.getName());
    private static final VarHandle EPOCH;

    static {
        try {
            EPOCH = MethodHandles.lookup().findVarHandle(TagVersions.class, "epoch", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RedisTier redis;
    private final TwoLevelCache.Clock clock;
    private final Cache<String, Long> versions = Caffeine.newBuilder().maximumSize(1_000_000).build();
    /**
     * Moves on every change of a known version (and on a loss of Redis): a plain volatile field rather than an
     * AtomicLong, so that the hit path's read of it is one load from this object, not two.
     */
    private volatile long epoch;
    private final Set<String> pending = new LinkedHashSet<>();
    private final AtomicLong lastSeq = new AtomicLong();
    private volatile long expectedSeq;
    private volatile boolean needsRecovery;
    private final LongAdder invalidations = new LongAdder();
    private final LongAdder lostMessages = new LongAdder();
    private final LongAdder messagesApplied = new LongAdder();
    private final Thread syncer;

    /**
     * @param redis  the L2 tier, or null for a node without Redis (versions are then local)
     * @param syncMs how often to look for missed invalidations
     */
    TagVersions(RedisTier redis, TwoLevelCache.Clock clock, long syncMs) {
        this.redis = redis;
        this.clock = clock;
        if (redis == null) {
            this.syncer = null;
            return;
        }
        redis.breaker().getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                degrade();
                LOG.warning("Redis unavailable: cache runs on L1 (entries live at most "
                        + TwoLevelCache.DEGRADED_L1_TTL.toMillis() + " ms) and the database");
            }
        });
        redis.subscribe(this::onMessage);
        try {
            lastSeq.set(redis.sequence());
        } catch (RedisTier.Unavailable e) {
            degrade();
        }
        this.syncer = Thread.ofVirtual().name("perfgate-cache-sync").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(syncMs);
                } catch (InterruptedException e) {
                    return;
                }
                syncNow();
            }
        });
    }

    /**
     * Whether an entry was found current at the current epoch: then it is current, and young enough, without more
     * checks. The L1 hit path's one look at tags: an entry not stamped so goes to {@link #valid}. Small, so that it
     * inlines into the hit.
     */
    boolean stampedCurrent(CacheEntry e) {
        return e.checkedAtEpoch == epoch;
    }

    /** Whether an L1 entry may be served: loaded under the current versions, and young enough while Redis is away. */
    boolean valid(CacheEntry e) {
        // read before anything else: a change made while the versions are compared (or Redis lost meanwhile, see
        // degrade) bumps the epoch past this stamp, so the next hit checks again
        long now = epoch;
        if (e.checkedAtEpoch == now) {
            return true;
        }
        // a node without Redis is never degraded; one that lost Redis stamps nothing, so that every hit checks the
        // entry's age here until it recovers
        boolean degraded = redis != null && needsRecovery;
        if (degraded && clock.nanos() - e.loadedAt > TwoLevelCache.DEGRADED_L1_TTL.toNanos()) {
            return false;
        }
        if (!current(e.tags, e.versions)) {
            return false;
        }
        if (!degraded) {
            e.checkedAtEpoch = now;
        }
        return true;
    }

    /** Whether the versions an entry was loaded under are the tags' current ones; allocates only for unknown tags. */
    boolean current(String[] tags, long[] loadedUnder) {
        for (int i = 0; i < tags.length; i++) {
            Long v = versions.getIfPresent(tags[i]);
            if (v == null) {
                return Arrays.equals(of(tags), loadedUnder);
            }
            if (v != loadedUnder[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The tags' current versions: known locally, else read from Redis in one round trip (0 without Redis); -1 for
     * a tag whose version cannot be known now (Redis unreachable), which no entry matches.
     */
    long[] of(String[] tags) {
        long[] out = new long[tags.length];
        List<Integer> unknown = null;
        for (int i = 0; i < tags.length; i++) {
            Long v = versions.getIfPresent(tags[i]);
            if (v != null) {
                out[i] = v;
            } else {
                if (unknown == null) {
                    unknown = new ArrayList<>(tags.length);
                }
                unknown.add(i);
            }
        }
        if (unknown == null) {
            return out;
        }
        long[] fetched = new long[unknown.size()];
        if (redis != null && !needsRecovery) {
            try {
                fetched = redis.tagVersions(unknown.stream().map(i -> tags[i]).toArray(String[]::new));
            } catch (RedisTier.Unavailable e) {
                for (int k = 0; k < unknown.size(); k++) {
                    out[unknown.get(k)] = -1;
                }
                return out;
            }
        }
        for (int k = 0; k < unknown.size(); k++) {
            Long raced = versions.asMap().putIfAbsent(tags[unknown.get(k)], fetched[k]);
            out[unknown.get(k)] = raced != null ? raced : fetched[k];
        }
        return out;
    }

    /** Whether L2 may be used now; after an outage, first replays the invalidations made during it. */
    boolean l2Usable() {
        if (redis == null) {
            return false;
        }
        if (!needsRecovery) {
            return redis.breaker().getState() != CircuitBreaker.State.OPEN;
        }
        return recover();
    }

    /**
     * Marks Redis lost: L1 entries live at most {@link TwoLevelCache#DEGRADED_L1_TTL} until the node recovers. The
     * epoch moves after the flag, so that no entry stamped before the loss passes {@link #stampedCurrent} after it.
     */
    private void degrade() {
        needsRecovery = true;
        bumpEpoch();
    }

    private void bumpEpoch() {
        EPOCH.getAndAdd(this, 1L);
    }

    /** Whether Redis was lost and the node has not caught up with it yet. */
    boolean degraded() {
        return redis != null && needsRecovery;
    }

    private synchronized boolean recover() {
        if (!needsRecovery) {
            return true;
        }
        try {
            if (!pending.isEmpty()) {
                redis.invalidate(pending.toArray(String[]::new));
                pending.clear();
            }
            long seq = redis.sequence();
            versions.invalidateAll();
            bumpEpoch();
            lastSeq.set(seq);
            expectedSeq = seq;
            needsRecovery = false;
            LOG.info("Redis reachable again: pending invalidations replayed, tag versions re-read");
            return true;
        } catch (RedisTier.Unavailable e) {
            return false;
        }
    }

    /** Invalidates every entry carrying any of the tags, in both levels and on every node. */
    void invalidate(String... tags) {
        if (tags.length == 0) {
            return;
        }
        invalidations.add(tags.length);
        if (l2Usable()) {
            try {
                long[] result = redis.invalidate(tags);
                for (int i = 0; i < tags.length; i++) {
                    long v = result[i + 1];
                    versions.asMap().merge(tags[i], v, Math::max);
                }
                bumpEpoch();
                return;
            } catch (RedisTier.Unavailable e) {
                degrade();
            }
        }
        synchronized (this) {
            for (String tag : tags) {
                // a local bump makes this node's entries stale now; Redis gets the real increment on recovery
                versions.asMap().merge(tag, 1L, (a, b) -> a + 1);
                if (redis != null) {
                    pending.add(tag);
                }
            }
            bumpEpoch();
        }
    }

    private void onMessage(String message) {
        String[] parts = message.split(" ");
        long seq;
        try {
            seq = Long.parseLong(parts[0]);
            for (int i = 1; i + 1 < parts.length; i += 2) {
                long v = Long.parseLong(parts[i + 1]);
                versions.asMap().computeIfPresent(parts[i], (k, old) -> Math.max(old, v));
            }
            bumpEpoch();
            messagesApplied.increment();
        } catch (NumberFormatException e) {
            LOG.warning("ignoring malformed invalidation message: " + message);
            return;
        }
        long last = lastSeq.get();
        if (seq == last + 1) {
            lastSeq.compareAndSet(last, seq);
        } else if (seq > last + 1) {
            forget("gap in invalidation messages (" + last + " then " + seq + ")");
            lastSeq.accumulateAndGet(seq, Math::max);
        }
    }

    /**
     * Looks for invalidations that never arrived: the sequence Redis had at the previous check should have arrived
     * by now; if not, the tag versions are re-read. Runs every {@code SUT_CACHE_SYNC_MS}; tests call it directly.
     */
    void syncNow() {
        if (redis == null || !l2Usable()) {
            return;
        }
        try {
            long current = redis.sequence();
            long expected = expectedSeq;
            if (expected > lastSeq.get()) {
                forget("invalidations up to " + expected + " did not arrive (have " + lastSeq.get() + ")");
                lastSeq.accumulateAndGet(expected, Math::max);
            }
            expectedSeq = current;
        } catch (RedisTier.Unavailable e) {
            // the breaker has it; recovery resynchronizes
        }
    }

    private void forget(String why) {
        lostMessages.increment();
        LOG.warning("cache: " + why + "; re-reading tag versions from Redis");
        versions.invalidateAll();
        bumpEpoch();
    }

    long invalidations() {
        return invalidations.sum();
    }

    long lostMessages() {
        return lostMessages.sum();
    }

    /**
     * Returns the invalidation messages this node has applied (its own included: every node hears every message).
     * Delivery is asynchronous; this is how a client, or a test, sees that a write on another node has reached it.
     */
    long messagesApplied() {
        return messagesApplied.sum();
    }

    /** Publishes the bus's counters to Prometheus. */
    void register(MeterRegistry registry) {
        FunctionCounter.builder("perfgate.cache.invalidations", invalidations, LongAdder::sum).register(registry);
        FunctionCounter.builder("perfgate.cache.lost.messages", lostMessages, LongAdder::sum).register(registry);
    }

    @Override
    public void close() {
        if (syncer != null) {
            syncer.interrupt();
        }
    }
}
