package dev.perfgate.sut.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A circuit breaker in front of one database (its pool, or both pools when reads and writes share it). Without it,
 * every request during a database outage waits the pool's whole connection timeout (2 s by default) before it fails,
 * and keeps a server thread for as long.
 *
 * <p>The first connection failure a request sees (a refused or broken connection, the server shutting down or still
 * starting) opens the breaker; from then on requests are refused at once, before they touch the pool. No request is
 * used as a probe: every {@value #PROBE_INTERVAL_MS} ms a background probe opens a fresh connection (1 s connect,
 * login and socket timeouts) and runs {@code SELECT 1}. Probes do not wait for each other (up to
 * {@value #MAX_PROBES_IN_FLIGHT} at once): a database still starting, or a machine short of CPU, can hold one probe
 * for its whole timeout, and one after the other they closed the breaker up to 2 s after the database was back.
 * When a probe succeeds the pool's connections, all broken by
 * the outage, are evicted, HikariCP's backed-off reconnection is woken, and the breaker closes, so the first request
 * after the database is back gets a new connection. Pool exhaustion (a lock starving the pool) or a statement timeout does not open the breaker: the
 * database still answers, and the pool's own timeout bounds those.
 */
public final class ConnectionGuard implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());
    static final long PROBE_INTERVAL_MS = 100;
    static final int MAX_PROBES_IN_FLIGHT = 4;

    private final String name;
    /** Every pool of this database (the write and read pools share one database when there is no replica). */
    private final List<HikariDataSource> pools;
    private final PGSimpleDataSource probe;
    private final ScheduledExecutorService prober;
    /** Runs the probes: platform threads, as a JDBC connect pins a virtual thread's carrier on Java 21. */
    private final ExecutorService probes;
    private final AtomicLong outages = new AtomicLong();
    private volatile Outage outage; // null while the database answers
    private ScheduledFuture<?> probing;

    /** The database stopped answering at {@code since} ({@code sinceNanos} on the monotonic clock) because of {@code cause}. */
    public record Outage(Instant since, long sinceNanos, String cause) {
        /** Returns how long the outage has lasted so far, in milliseconds. */
        public long millis() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
        }
    }

    /**
     * Guards one database reached through several pools: an outage seen on any of them is the database's, and when
     * it answers again every pool's connections, all of which predate the outage, are replaced.
     */
    public ConnectionGuard(String name, List<HikariDataSource> pools) {
        this(name, pools, 1);
    }

    /** As above, with each probe's connect, login and socket timeouts in seconds (tests hold a probe longer). */
    ConnectionGuard(String name, List<HikariDataSource> pools, int probeTimeoutSeconds) {
        this.name = name;
        this.pools = List.copyOf(pools);
        this.probe = new PGSimpleDataSource();
        probe.setURL(this.pools.getFirst().getJdbcUrl());
        probe.setApplicationName(name + "-probe");
        probe.setConnectTimeout(probeTimeoutSeconds);
        probe.setSocketTimeout(probeTimeoutSeconds);
        probe.setLoginTimeout(probeTimeoutSeconds);
        this.prober = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(name + "-prober").daemon().factory());
        // a probe handed over while all MAX_PROBES_IN_FLIGHT threads still wait for answers is dropped (no queue);
        // idle threads end after 10 s, so none are kept between outages
        this.probes = new ThreadPoolExecutor(0, MAX_PROBES_IN_FLIGHT, 10, TimeUnit.SECONDS, new SynchronousQueue<>(),
                Thread.ofPlatform().name(name + "-probe").daemon().factory(), new ThreadPoolExecutor.DiscardPolicy());
    }

    /** Refuses at once, with a connection-class exception, while the database is known to be down. */
    public void ensureReachable() throws SQLTransientConnectionException {
        Outage o = outage;
        if (o != null) {
            throw new SQLTransientConnectionException("the database (" + name + ") has not answered for " + o.millis()
                    + " ms (" + o.cause() + "); it is probed every " + PROBE_INTERVAL_MS + " ms", "08001");
        }
    }

    /** Looks at a failure of work on this pool: a lost database opens the breaker. Returns the failure. */
    public <E extends SQLException> E observe(E failure) {
        if (isConnectionFailure(failure)) {
            open(failure);
        }
        return failure;
    }

    /** Returns the current outage, if the database is known to be down. */
    public Outage outage() {
        return outage;
    }

    /** Returns how many outages were seen since start. */
    public long outages() {
        return outages.get();
    }

    /**
     * Returns whether a failure means the database cannot be reached: SQL state class 08 (connection exception),
     * 57P01..57P03 (shutting down, crashed, not yet accepting connections), anywhere in the cause or next-exception
     * chain (HikariCP's timeout carries the last failed connection attempt as its cause).
     */
    public static boolean isConnectionFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() != null ? t.getCause()
                : t instanceof SQLException s ? s.getNextException() : null) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                        || state.equals("57P03")) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private synchronized void open(SQLException cause) {
        if (outage != null || prober.isShutdown()) {
            return;
        }
        outage = new Outage(Instant.now(), System.nanoTime(), firstLine(cause));
        outages.incrementAndGet();
        LOG.warning(() -> "database (" + name + ") unreachable: " + outage.cause() + "; requests answer 503 until a"
                + " probe connects again");
        Outage opened = outage;
        probing = prober.scheduleAtFixedRate(() -> startProbe(opened), PROBE_INTERVAL_MS, PROBE_INTERVAL_MS,
                TimeUnit.MILLISECONDS);
    }

    /** Starts one more probe of an outage, unless as many as allowed are still waiting for their answers. */
    private void startProbe(Outage of) {
        if (outage == of) {
            probes.execute(() -> probe(of));
        }
    }

    private void probe(Outage of) {
        try (Connection c = probe.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT 1");
        } catch (SQLException stillDown) {
            return;
        }
        close(of);
    }

    private synchronized void close(Outage ended) {
        if (outage != ended || ended == null) {
            return;
        }
        // every pooled connection predates the outage and is broken; new ones are made on demand. All pools of
        // the database: a read pool left out served its broken connections to the first reads after recovery,
        // each failing with "terminating connection due to administrator command" and opening a new outage
        for (HikariDataSource pool : pools) {
            if (pool.getHikariPoolMXBean() != null) {
                pool.getHikariPoolMXBean().softEvictConnections();
            }
            wakeConnectionAdder(pool);
        }
        outage = null;
        probing.cancel(false);
        LOG.info(() -> "database (" + name + ") answers again after " + ended.millis() + " ms");
    }

    /**
     * HikariCP retries a failed connection with a backoff that doubles up to 5 s, in one thread per pool; after an
     * outage of a few seconds it sleeps through the database's return and the first request waits up to 5 s (seen:
     * 4.5 to 5.1 s). Interrupting that sleep ends the stale attempt (HikariCP stops creating on an interrupt), and the
     * next request that needs a connection starts a fresh one at once. HikariCP names the thread
     * {@code <pool>:connection-adder}; it exposes no other handle to it.
     */
    private static void wakeConnectionAdder(HikariDataSource pool) {
        String name = pool.getPoolName() + ":connection-adder";
        Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name))
                .forEach(Thread::interrupt);
    }

    private static String firstLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public void close() {
        prober.shutdownNow();
        probes.shutdownNow();
    }
}
