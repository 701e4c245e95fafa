package dev.perfgate.sut.db;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Fills the schema with a wedding-planning business of realistic shape, identical for the same scale and seed.
 *
 * <p>Shape: organization sizes and vendor popularity follow Zipf distributions (a few large planners, a few vendors
 * everybody books), weddings cluster in June, September and October and on Saturdays, and each couple's bookings,
 * budget, payments, tasks and guest list follow from its wedding date and status. {@code SUT_SCALE=1} gives about
 * 1.1 million rows.
 *
 * <p>Speed: a single-threaded plan fixes every value that other tables refer to, then each table is streamed
 * through {@code COPY} on its own connection. When the role may set {@code session_replication_role} (a superuser,
 * as on the embedded database), foreign-key triggers are skipped for the bulk load — the plan guarantees the keys —
 * and tables load in parallel; otherwise they load one by one in key order with the checks on.
 *
 * <p>Determinism: every random choice comes from a {@link SplittableRandom} seeded from the seed and the table, and
 * no value depends on the clock: "today" for the data is the fixed {@link #ANCHOR}.
 */
public final class Seeder {
    private static final Logger LOG = Logger.getLogger(Seeder.class.getName());

    /** The data's "today": wedding status, task completion and notification ages are relative to it. */
    public static final LocalDate ANCHOR = LocalDate.of(2026, 3, 1);
    private static final long ANCHOR_DAY = ANCHOR.toEpochDay();
    private static final long ANCHOR_SECOND = ANCHOR.atStartOfDay().toEpochSecond(ZoneOffset.UTC);

    /** Tables in foreign-key order (referenced before referencing). */
    public static final List<String> TABLES = List.of("organizations", "planners", "vendors", "clients", "reviews",
            "bookings", "budget_items", "payments", "tasks", "guests", "notifications", "analytics_events");

    static final String[] CITIES = {"Austin", "Boston", "Chicago", "Denver", "Nashville", "New York", "Los Angeles",
        "San Diego", "San Francisco", "Seattle", "Portland", "Miami", "Atlanta", "Charleston", "Savannah",
        "New Orleans", "Phoenix", "Dallas", "Houston", "Philadelphia", "Minneapolis", "Napa", "Asheville",
        "Santa Barbara", "Washington"};
    static final String[] CATEGORIES = {"venue", "catering", "photography", "videography", "florist", "music",
        "officiant", "cake", "attire", "beauty", "transport", "rentals", "stationery"};
    /** Share of a wedding budget per category, in the order of {@link #CATEGORIES}. */
    private static final double[] BUDGET_SHARE = {0.34, 0.24, 0.09, 0.05, 0.06, 0.05, 0.01, 0.02, 0.07, 0.03, 0.02,
        0.02, 0.02};
    /** Vendors per category, relative. */
    private static final double[] CATEGORY_WEIGHT = {10, 9, 12, 5, 8, 8, 3, 4, 6, 6, 3, 4, 3};
    private static final double[] MONTH_WEIGHT = {2, 3, 4, 6, 10, 14, 10, 10, 14, 15, 6, 6};
    private static final String[] FIRST = {"Olivia", "Liam", "Emma", "Noah", "Ava", "Oliver", "Sophia", "Elijah",
        "Isabella", "James", "Mia", "William", "Amelia", "Benjamin", "Harper", "Lucas", "Evelyn", "Henry", "Abigail",
        "Alexander", "Emily", "Mason", "Ella", "Michael", "Scarlett", "Ethan", "Grace", "Daniel", "Chloe", "Jacob",
        "Camila", "Logan", "Priya", "Mateo", "Aisha", "Hiro", "Fatima", "Diego", "Leila", "Sven", "Ingrid", "Kofi",
        "Yara", "Omar", "Mei", "Ravi", "Nadia", "Tomas", "Zoe", "Ezra"};
    private static final String[] LAST = {"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
        "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
        "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez",
        "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill",
        "Flores", "Patel", "Kim", "Okafor", "Schmidt", "Rossi", "Novak", "Silva", "Tanaka", "Kowalski", "Dubois"};
    private static final String[] ORG_WORDS = {"Golden", "Ivory", "Evergreen", "Silver", "Blossom", "Harbor",
        "Willow", "Velvet", "Lantern", "Juniper", "Meadow", "Coastal", "Northern", "Magnolia", "Cedar", "Aurora"};
    private static final String[] ORG_NOUNS = {"Events", "Weddings", "Celebrations", "Occasions", "Planning Co",
        "Studio", "Collective", "& Co"};
    private static final String[] VENDOR_WORDS = {"Bloom", "Oak", "Stone", "Lumen", "Fable", "Crest", "Maple",
        "Rose", "Tide", "Ember", "Linen", "Saffron", "Brook", "Sparrow", "Vale", "Copper"};
    private static final String[] TASKS = {"Book the venue", "Hire a photographer", "Choose a caterer",
        "Send save-the-dates", "Book the florist", "Book music", "Order the cake", "Buy attire",
        "Send invitations", "Plan seating chart", "Confirm vendors", "Final menu tasting", "Book hair and makeup",
        "Arrange transport", "Finalize timeline", "Rehearsal dinner"};
    /** Days before the wedding each task falls due, in the order of {@link #TASKS}. */
    private static final int[] TASK_OFFSET = {360, 300, 270, 240, 210, 200, 120, 150, 90, 30, 14, 45, 60, 40, 10, 2};
    private static final String[] REVIEW_TEXT = {"Wonderful to work with, would book again.",
        "Responsive and professional from start to finish.", "Good value, a few hiccups on the day.",
        "Exceeded every expectation.", "Communication could have been better.",
        "Our guests are still talking about it.", "Arrived late but made up for it.",
        "Flexible with our last-minute changes.", "Not what we were promised.", "Absolutely perfect."};
    private static final String[] DIETARY = {"vegetarian", "vegan", "gluten-free", "nut allergy", "halal", "kosher"};
    private static final String[] NOTE_KINDS = {"task_due", "payment_due", "rsvp", "booking", "message"};
    private static final String[] PAYMENT_METHODS = {"card", "transfer", "transfer", "check", "cash"};

    private final double scale;
    private final long seed;

    public Seeder(double scale, long seed) {
        this.scale = scale;
        this.seed = seed;
    }

    /** Rows written per table and the wall time of the whole seed. */
    public record Result(Map<String, Long> rows, long nanos, boolean parallel) {
        /** Returns the total rows written. */
        public long totalRows() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Returns rows written per second of wall time. */
        public double rowsPerSecond() {
            return totalRows() / (nanos / 1e9);
        }
    }

    /** Returns whether the schema holds no data yet (the seeder's cue at start-up). */
    public static boolean isEmpty(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM organizations)")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** Empties every table and restarts the identities (the seed command's {@code --reset}). */
    public static void truncate(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + String.join(", ", TABLES) + " RESTART IDENTITY CASCADE");
        }
    }

    /** Seeds an empty schema and returns what it wrote. */
    public Result seed(DataSource ds) throws SQLException {
        long start = System.nanoTime();
        Plan plan = new Plan(scale, seed);
        boolean parallel = canSkipForeignKeyChecks(ds);
        Map<String, Long> rows = new LinkedHashMap<>();
        if (parallel) {
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
            try {
                List<Future<Long>> futures = new ArrayList<>();
                // Largest tables first, so the pool is not left waiting on one big table at the end.
                List<String> order = List.of("guests", "tasks", "budget_items", "payments", "analytics_events",
                        "notifications", "reviews", "bookings", "clients", "vendors", "planners", "organizations");
                for (String table : order) {
                    futures.add(pool.submit(() -> load(ds, table, plan, true)));
                }
                for (int i = 0; i < order.size(); i++) {
                    rows.put(order.get(i), futures.get(i).get());
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SQLException sql) {
                    throw sql;
                }
                throw new IllegalStateException("seeding failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("seeding interrupted", e);
            } finally {
                pool.shutdownNow();
            }
        } else {
            for (String table : TABLES) {
                rows.put(table, load(ds, table, plan, false));
            }
        }
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                s.execute("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), "
                        + "GREATEST((SELECT max(id) FROM " + table + "), 1))");
            }
            s.execute("ANALYZE");
        }
        Map<String, Long> ordered = new LinkedHashMap<>();
        TABLES.forEach(t -> ordered.put(t, rows.get(t)));
        Result result = new Result(ordered, System.nanoTime() - start, parallel);
        LOG.info(() -> String.format("seeded %,d rows in %.1f s (%,.0f rows/s, %s) at scale %s, seed %d",
                result.totalRows(), result.nanos() / 1e9, result.rowsPerSecond(),
                parallel ? "parallel COPY" : "sequential COPY", scale, seed));
        return result;
    }

    private static boolean canSkipForeignKeyChecks(DataSource ds) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute("RESET session_replication_role");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private long load(DataSource ds, String table, Plan plan, boolean skipForeignKeyChecks) throws SQLException {
        try (Connection c = ds.getConnection()) {
            if (skipForeignKeyChecks) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET session_replication_role = replica");
                }
            }
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            long count;
            String copy = "COPY " + table + " (" + Plan.columns(table) + ") FROM STDIN";
            try (PGCopyOutputStream out = new PGCopyOutputStream(c.unwrap(PGConnection.class), copy, 1 << 16);
                 Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
                CopyWriter rows = new CopyWriter(w);
                plan.write(table, rows, new SplittableRandom(seed * 1_000_003L + TABLES.indexOf(table) * 7919L));
                count = rows.count;
            } catch (IOException e) {
                c.rollback();
                throw new SQLException("COPY into " + table + " failed: " + e.getMessage(), e);
            }
            c.commit();
            c.setAutoCommit(autoCommit);
            if (skipForeignKeyChecks) {
                try (Statement s = c.createStatement()) {
                    s.execute("RESET session_replication_role");
                }
            }
            return count;
        }
    }

    /** Writes rows in PostgreSQL's COPY text format. */
    static final class CopyWriter {
        private final Writer w;
        private boolean first = true;
        long count;

        CopyWriter(Writer w) {
            this.w = w;
        }

        CopyWriter col(long v) {
            sep();
            write(Long.toString(v));
            return this;
        }

        CopyWriter text(String v) {
            sep();
            if (v == null) {
                write("\\N");
            } else {
                for (int i = 0; i < v.length(); i++) {
                    char ch = v.charAt(i);
                    if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') {
                        throw new IllegalArgumentException("seed text needs escaping: " + v);
                    }
                }
                write(v);
            }
            return this;
        }

        CopyWriter nullableId(long v) {
            return v <= 0 ? text(null) : col(v);
        }

        CopyWriter money(long cents) {
            sep();
            write(cents / 100 + "." + (cents % 100 < 10 ? "0" : "") + cents % 100);
            return this;
        }

        CopyWriter date(long epochDay) {
            sep();
            write(LocalDate.ofEpochDay(epochDay).toString());
            return this;
        }

        CopyWriter timestamp(long epochSecond) {
            sep();
            write(LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC) + "+00");
            return this;
        }

        CopyWriter nullableTimestamp(long epochSecond) {
            return epochSecond < 0 ? text(null) : timestamp(epochSecond);
        }

        void end() {
            write("\n");
            first = true;
            count++;
        }

        private void sep() {
            if (!first) {
                write("\t");
            }
            first = false;
        }

        private void write(String s) {
            try {
                w.write(s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Draws indexes with probability proportional to weights (binary search over the cumulative sum). */
    static final class Weighted {
        private final double[] cumulative;

        Weighted(double[] weights) {
            cumulative = new double[weights.length];
            double sum = 0;
            for (int i = 0; i < weights.length; i++) {
                sum += weights[i];
                cumulative[i] = sum;
            }
        }

        static Weighted zipf(int n, double exponent) {
            double[] w = new double[n];
            for (int i = 0; i < n; i++) {
                w[i] = 1.0 / Math.pow(i + 1, exponent);
            }
            return new Weighted(w);
        }

        int next(SplittableRandom r) {
            double x = r.nextDouble() * cumulative[cumulative.length - 1];
            int i = Arrays.binarySearch(cumulative, x);
            return Math.min(cumulative.length - 1, i >= 0 ? i + 1 : -i - 1);
        }
    }

    /**
     * Every value another table refers to, decided up front in one thread: organization sizes, planners,
     * vendors, clients, bookings and budget items. Arrays are indexed by id - 1.
     */
    static final class Plan {
        final int orgs;
        final int[] plannerOrg;
        final int[] orgFirstPlanner;
        final int[] orgPlannerCount;
        // vendors
        final int vendors;
        final byte[] vendorCategory;
        final byte[] vendorCity;
        final byte[] vendorTier;
        final int[] vendorReviewCount;
        final int[] vendorReviewSum;
        final int[] reviewVendor;
        final byte[] reviewRating;
        // clients
        final int clients;
        final int[] clientOrg;
        final int[] clientWedding;
        final byte[] clientStatus;
        final byte[] clientCity;
        final int[] clientGuests;
        final long[] clientBudgetCents;
        final long[] clientCreated;
        // bookings, grouped by client in client order
        final int[] bookingClient;
        final int[] bookingVendor;
        final byte[] bookingStatus;
        final long[] bookingCents;
        final int[] bookingDate;
        // budget items, grouped by client
        final int[] itemClient;
        final byte[] itemCategory;
        final long[] itemEstimated;
        final long[] itemActual;
        final int[] itemVendor;

        static final String[] STATUS = {"inquiry", "booked", "planning", "completed", "cancelled"};
        static final String[] BOOKING_STATUS = {"pending", "confirmed", "cancelled"};

        Plan(double scale, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            orgs = Math.max(2, (int) Math.round(150 * scale));
            vendors = Math.max(60, (int) Math.round(4000 * scale));
            clients = Math.max(20, (int) Math.round(12000 * scale));

            // Organizations: Zipf sizes; planners in proportion, at least one each.
            Weighted orgPick = Weighted.zipf(orgs, 1.1);
            clientOrg = new int[clients];
            int[] orgClients = new int[orgs];
            for (int i = 0; i < clients; i++) {
                clientOrg[i] = orgPick.next(r) + 1;
                orgClients[clientOrg[i] - 1]++;
            }
            orgFirstPlanner = new int[orgs];
            orgPlannerCount = new int[orgs];
            List<Integer> planners = new ArrayList<>();
            for (int o = 0; o < orgs; o++) {
                int n = Math.max(1, Math.min(60, orgClients[o] / 15 + r.nextInt(3)));
                orgFirstPlanner[o] = planners.size() + 1;
                orgPlannerCount[o] = n;
                for (int k = 0; k < n; k++) {
                    planners.add(o + 1);
                }
            }
            plannerOrg = planners.stream().mapToInt(Integer::intValue).toArray();

            // Vendors: category and city by weight, popularity Zipf by id within the whole population.
            Weighted categoryPick = new Weighted(CATEGORY_WEIGHT);
            Weighted cityPick = Weighted.zipf(CITIES.length, 0.8);
            vendorCategory = new byte[vendors];
            vendorCity = new byte[vendors];
            vendorTier = new byte[vendors];
            double[] quality = new double[vendors];
            for (int v = 0; v < vendors; v++) {
                vendorCategory[v] = (byte) categoryPick.next(r);
                vendorCity[v] = (byte) cityPick.next(r);
                vendorTier[v] = (byte) (1 + r.nextInt(4));
                quality[v] = 2.5 + r.nextDouble() * 2.5;
            }
            Weighted vendorPopularity = Weighted.zipf(vendors, 0.9);
            // per (category) and (category, city): vendor ids and popularity, for booking choices
            List<List<Integer>> byCategory = new ArrayList<>();
            List<List<Integer>> byCategoryCity = new ArrayList<>();
            for (int i = 0; i < CATEGORIES.length * (CITIES.length + 1); i++) {
                (i < CATEGORIES.length ? byCategory : byCategoryCity).add(new ArrayList<>());
            }
            for (int v = 0; v < vendors; v++) {
                byCategory.get(vendorCategory[v]).add(v);
                byCategoryCity.get(vendorCategory[v] * CITIES.length + vendorCity[v]).add(v);
            }
            Weighted[] categoryPop = new Weighted[CATEGORIES.length];
            Weighted[] categoryCityPop = new Weighted[CATEGORIES.length * CITIES.length];
            for (int c = 0; c < CATEGORIES.length; c++) {
                categoryPop[c] = popularity(byCategory.get(c));
            }
            for (int i = 0; i < categoryCityPop.length; i++) {
                categoryCityPop[i] = popularity(byCategoryCity.get(i));
            }

            // Reviews: count by popularity, rating around the vendor's quality.
            int totalReviews = (int) Math.round(48_000 * scale) + vendors;
            reviewVendor = new int[totalReviews];
            reviewRating = new byte[totalReviews];
            vendorReviewCount = new int[vendors];
            vendorReviewSum = new int[vendors];
            for (int i = 0; i < totalReviews; i++) {
                int v = i < vendors ? i : vendorPopularity.next(r);
                int rating = (int) Math.round(Math.max(1, Math.min(5, quality[v] + r.nextGaussian() * 0.8)));
                reviewVendor[i] = v + 1;
                reviewRating[i] = (byte) rating;
                vendorReviewCount[v]++;
                vendorReviewSum[v] += rating;
            }

            // Clients: wedding dates in 2025-2027, summer and autumn heavy, mostly Saturdays.
            Weighted monthPick = new Weighted(MONTH_WEIGHT);
            clientWedding = new int[clients];
            clientStatus = new byte[clients];
            clientCity = new byte[clients];
            clientGuests = new int[clients];
            clientBudgetCents = new long[clients];
            clientCreated = new long[clients];
            for (int i = 0; i < clients; i++) {
                int year = 2025 + r.nextInt(3);
                int month = monthPick.next(r) + 1;
                LocalDate d = LocalDate.of(year, month, 1 + r.nextInt(LocalDate.of(year, month, 1).lengthOfMonth()));
                if (r.nextDouble() < 0.7) {
                    d = d.plusDays((6 - d.getDayOfWeek().getValue() + 7) % 7); // the next Saturday
                }
                long day = d.toEpochDay();
                clientWedding[i] = (int) day;
                double x = r.nextDouble();
                int status;
                if (day < ANCHOR_DAY) {
                    status = x < 0.93 ? 3 : 4;
                } else if (day < ANCHOR_DAY + 365) {
                    status = x < 0.6 ? 2 : x < 0.95 ? 1 : 4;
                } else {
                    status = x < 0.5 ? 0 : x < 0.95 ? 1 : 4;
                }
                clientStatus[i] = (byte) status;
                clientCity[i] = (byte) cityPick.next(r);
                clientGuests[i] = 40 + (int) Math.min(260, Math.abs(r.nextGaussian() * 70) + r.nextInt(40));
                clientBudgetCents[i] = (15_000 + (long) (Math.exp(r.nextGaussian() * 0.5) * 20_000)) * 100;
                long createdDay = Math.min(day - 120 - r.nextInt(600), ANCHOR_DAY - 1);
                clientCreated[i] = createdDay * 86_400 + r.nextInt(86_400);
            }

            // Bookings: distinct categories per couple, same-city vendors preferred, popular vendors more often.
            List<int[]> bookings = new ArrayList<>();
            List<Long> bookingAmounts = new ArrayList<>();
            int[] bookingCountByStatus = {1, 3, 5, 7, 1};
            for (int i = 0; i < clients; i++) {
                int status = clientStatus[i];
                int n = Math.min(CATEGORIES.length, r.nextInt(bookingCountByStatus[status] + 2));
                for (int k = 0; k < n; k++) {
                    int category = k; // venue first, then catering, photography...
                    Weighted local = categoryCityPop[category * CITIES.length + clientCity[i]];
                    List<Integer> localIds = byCategoryCity.get(category * CITIES.length + clientCity[i]);
                    int v;
                    if (local != null && r.nextDouble() < 0.7) {
                        v = localIds.get(local.next(r));
                    } else if (categoryPop[category] != null) {
                        v = byCategory.get(category).get(categoryPop[category].next(r));
                    } else {
                        continue;
                    }
                    int bStatus = status == 4 ? 2 : status == 3 ? 1 : (r.nextDouble() < 0.7 ? 1 : 0);
                    long cents = Math.round(clientBudgetCents[i] * BUDGET_SHARE[category]
                            * (0.6 + 0.2 * vendorTier[v] + r.nextDouble() * 0.2) / 100) * 100;
                    bookings.add(new int[] {i + 1, v + 1, bStatus, clientWedding[i]});
                    bookingAmounts.add(cents);
                }
            }
            int nb = bookings.size();
            bookingClient = new int[nb];
            bookingVendor = new int[nb];
            bookingStatus = new byte[nb];
            bookingCents = new long[nb];
            bookingDate = new int[nb];
            for (int b = 0; b < nb; b++) {
                int[] row = bookings.get(b);
                bookingClient[b] = row[0];
                bookingVendor[b] = row[1];
                bookingStatus[b] = (byte) row[2];
                bookingDate[b] = row[3];
                bookingCents[b] = bookingAmounts.get(b);
            }

            // Budget items: 8 to 13 categories per couple; actual spend follows bookings and status.
            List<long[]> items = new ArrayList<>();
            int b = 0;
            for (int i = 0; i < clients; i++) {
                long[] bookedCents = new long[CATEGORIES.length];
                int[] bookedVendor = new int[CATEGORIES.length];
                while (b < nb && bookingClient[b] == i + 1) {
                    int cat = vendorCategory[bookingVendor[b] - 1];
                    if (bookingStatus[b] != 2) {
                        bookedCents[cat] = bookingCents[b];
                        bookedVendor[cat] = bookingVendor[b];
                    }
                    b++;
                }
                int n = 8 + r.nextInt(6);
                for (int cat = 0; cat < n; cat++) {
                    long estimated = Math.round(clientBudgetCents[i] * BUDGET_SHARE[cat] * (0.8 + r.nextDouble() * 0.4));
                    long actual = switch (clientStatus[i]) {
                        case 3 -> bookedCents[cat] > 0 ? bookedCents[cat]
                                : Math.round(estimated * (0.85 + r.nextDouble() * 0.4));
                        case 1, 2 -> bookedCents[cat];
                        default -> 0;
                    };
                    items.add(new long[] {i + 1, cat, estimated, actual, bookedVendor[cat]});
                }
            }
            int ni = items.size();
            itemClient = new int[ni];
            itemCategory = new byte[ni];
            itemEstimated = new long[ni];
            itemActual = new long[ni];
            itemVendor = new int[ni];
            for (int k = 0; k < ni; k++) {
                long[] row = items.get(k);
                itemClient[k] = (int) row[0];
                itemCategory[k] = (byte) row[1];
                itemEstimated[k] = row[2];
                itemActual[k] = row[3];
                itemVendor[k] = (int) row[4];
            }
        }

        private static Weighted popularity(List<Integer> ids) {
            if (ids.isEmpty()) {
                return null;
            }
            double[] w = new double[ids.size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = 1.0 / Math.pow(ids.get(i) + 1, 0.9); // lower ids are the famous ones
            }
            return new Weighted(w);
        }

        static String columns(String table) {
            return switch (table) {
                case "organizations" -> "id, name, city, created_at";
                case "planners" -> "id, org_id, name, email, created_at";
                case "vendors" -> "id, name, category, city, price_tier, rating, review_count, email, created_at";
                case "clients" -> "id, org_id, partner1_name, partner2_name, email, phone, wedding_date, status, city,"
                        + " guest_estimate, budget_total, created_at, updated_at";
                case "reviews" -> "id, vendor_id, client_id, rating, body, created_at";
                case "bookings" -> "id, client_id, vendor_id, event_date, status, amount, created_at";
                case "budget_items" -> "id, client_id, category, description, estimated, actual, vendor_id, updated_at";
                case "payments" -> "id, budget_item_id, amount, paid_on, method";
                case "tasks" -> "id, client_id, title, due_date, status, priority, assignee_id, created_at, completed_at";
                case "guests" -> "id, client_id, name, email, rsvp, party_size, dietary, table_no";
                case "notifications" -> "id, user_id, client_id, kind, message, created_at, read_at";
                case "analytics_events" -> "id, org_id, client_id, vendor_id, event_type, occurred_at, amount";
                default -> throw new IllegalArgumentException("unknown table " + table);
            };
        }

        void write(String table, CopyWriter out, SplittableRandom r) {
            switch (table) {
                case "organizations" -> {
                    for (int o = 1; o <= orgs; o++) {
                        out.col(o).text(ORG_WORDS[r.nextInt(ORG_WORDS.length)] + " " + ORG_NOUNS[r.nextInt(ORG_NOUNS.length)]
                                + " " + o).text(CITIES[r.nextInt(CITIES.length)])
                                .timestamp(ANCHOR_SECOND - 86_400L * (800 + r.nextInt(3000))).end();
                    }
                }
                case "planners" -> {
                    for (int p = 1; p <= plannerOrg.length; p++) {
                        String first = FIRST[r.nextInt(FIRST.length)];
                        String last = LAST[r.nextInt(LAST.length)];
                        out.col(p).col(plannerOrg[p - 1]).text(first + " " + last)
                                .text(first.toLowerCase() + "." + last.toLowerCase() + "." + p + "@org" + plannerOrg[p - 1]
                                        + ".example").timestamp(ANCHOR_SECOND - 86_400L * (30 + r.nextInt(2000))).end();
                    }
                }
                case "vendors" -> {
                    for (int v = 1; v <= vendors; v++) {
                        int n = vendorReviewCount[v - 1];
                        long ratingCents = n == 0 ? 0 : Math.round(100.0 * vendorReviewSum[v - 1] / n);
                        String category = CATEGORIES[vendorCategory[v - 1]];
                        out.col(v).text(VENDOR_WORDS[r.nextInt(VENDOR_WORDS.length)] + " "
                                        + VENDOR_WORDS[r.nextInt(VENDOR_WORDS.length)] + " " + capitalize(category) + " " + v)
                                .text(category).text(CITIES[vendorCity[v - 1]]).col(vendorTier[v - 1])
                                .money(ratingCents).col(n).text("hello@vendor" + v + ".example")
                                .timestamp(ANCHOR_SECOND - 86_400L * (100 + r.nextInt(3000))).end();
                    }
                }
                case "clients" -> {
                    for (int i = 0; i < clients; i++) {
                        String p1 = FIRST[r.nextInt(FIRST.length)] + " " + LAST[r.nextInt(LAST.length)];
                        String p2 = FIRST[r.nextInt(FIRST.length)] + " " + LAST[r.nextInt(LAST.length)];
                        long created = clientCreated[i];
                        long updated = Math.min(created + r.nextInt(86_400 * 90), ANCHOR_SECOND);
                        out.col(i + 1).col(clientOrg[i]).text(p1).text(p2)
                                .text(p1.toLowerCase().replace(' ', '.') + "." + (i + 1) + "@example.com")
                                .text(r.nextDouble() < 0.8 ? "+1-555-" + (1000 + r.nextInt(9000)) : null)
                                .date(clientWedding[i]).text(STATUS[clientStatus[i]]).text(CITIES[clientCity[i]])
                                .col(clientGuests[i]).money(clientBudgetCents[i]).timestamp(created)
                                .timestamp(Math.max(updated, created)).end();
                    }
                }
                case "reviews" -> {
                    for (int k = 0; k < reviewVendor.length; k++) {
                        int rating = reviewRating[k];
                        String text = REVIEW_TEXT[(rating * 2 + r.nextInt(3)) % REVIEW_TEXT.length];
                        out.col(k + 1).col(reviewVendor[k]).nullableId(r.nextDouble() < 0.6 ? 1 + r.nextInt(clients) : 0)
                                .col(rating).text(text).timestamp(ANCHOR_SECOND - r.nextInt(86_400 * 900)).end();
                    }
                }
                case "bookings" -> {
                    for (int k = 0; k < bookingClient.length; k++) {
                        int c = bookingClient[k] - 1;
                        out.col(k + 1).col(bookingClient[k]).col(bookingVendor[k]).date(bookingDate[k])
                                .text(BOOKING_STATUS[bookingStatus[k]]).money(bookingCents[k])
                                .timestamp(clientCreated[c] + 86_400L * (1 + r.nextInt(60))).end();
                    }
                }
                case "budget_items" -> {
                    for (int k = 0; k < itemClient.length; k++) {
                        String category = CATEGORIES[itemCategory[k]];
                        out.col(k + 1).col(itemClient[k]).text(category).text(capitalize(category) + " budget")
                                .money(itemEstimated[k]).money(itemActual[k]).nullableId(itemVendor[k])
                                .timestamp(clientCreated[itemClient[k] - 1] + 86_400L * r.nextInt(30)).end();
                    }
                }
                case "payments" -> {
                    long id = 1;
                    for (int k = 0; k < itemClient.length; k++) {
                        long actual = itemActual[k];
                        if (actual <= 0) {
                            continue;
                        }
                        int c = itemClient[k] - 1;
                        boolean settled = clientStatus[c] == 3;
                        int parts = settled ? 1 + r.nextInt(3) : 1;
                        long remaining = settled ? actual : Math.max(1, actual * 3 / 10);
                        for (int p = 0; p < parts; p++) {
                            long amount = p == parts - 1 ? remaining : Math.max(1, remaining / (parts - p));
                            remaining -= amount;
                            if (amount <= 0) {
                                continue;
                            }
                            long paidOn = Math.min(ANCHOR_DAY - 1, clientWedding[c] - 200 + 90L * p + r.nextInt(30));
                            out.col(id++).col(k + 1).money(amount).date(paidOn)
                                    .text(PAYMENT_METHODS[r.nextInt(PAYMENT_METHODS.length)]).end();
                        }
                    }
                }
                case "tasks" -> {
                    long id = 1;
                    for (int i = 0; i < clients; i++) {
                        int n = 10 + r.nextInt(7);
                        int org = clientOrg[i] - 1;
                        for (int t = 0; t < n; t++) {
                            long due = clientWedding[i] - TASK_OFFSET[t] + r.nextInt(7) - 3;
                            String status;
                            long completed = -1;
                            if (clientStatus[i] == 4) {
                                status = due < ANCHOR_DAY ? "done" : "blocked";
                            } else if (due < ANCHOR_DAY) {
                                status = r.nextDouble() < 0.92 ? "done" : "in_progress";
                            } else {
                                double x = r.nextDouble();
                                status = x < 0.7 ? "todo" : x < 0.95 ? "in_progress" : "blocked";
                            }
                            long created = clientCreated[i] + 86_400L * r.nextInt(20);
                            if (status.equals("done")) {
                                completed = Math.max(created, (due - r.nextInt(10)) * 86_400L + r.nextInt(86_400));
                            }
                            int assignee = r.nextDouble() < 0.9
                                    ? orgFirstPlanner[org] + r.nextInt(orgPlannerCount[org]) : 0;
                            out.col(id++).col(i + 1).text(TASKS[t]).date(due).text(status).col(1 + r.nextInt(3))
                                    .nullableId(assignee).timestamp(created).nullableTimestamp(completed).end();
                        }
                    }
                }
                case "guests" -> {
                    long id = 1;
                    for (int i = 0; i < clients; i++) {
                        int remaining = clientGuests[i];
                        int status = clientStatus[i];
                        while (remaining > 0) {
                            int party = Math.min(remaining, 1 + (int) Math.min(4, Math.abs(r.nextGaussian() * 1.5)));
                            remaining -= party;
                            double x = r.nextDouble();
                            String rsvp = switch (status) {
                                case 3 -> x < 0.85 ? "accepted" : "declined";
                                case 2 -> x < 0.5 ? "accepted" : x < 0.6 ? "declined" : "pending";
                                default -> x < 0.9 ? "pending" : "accepted";
                            };
                            String last = LAST[r.nextInt(LAST.length)];
                            String name = party == 1 ? FIRST[r.nextInt(FIRST.length)] + " " + last : "The " + last + " family";
                            out.col(id).col(i + 1).text(name)
                                    .text(r.nextDouble() < 0.7 ? "guest" + id + "@mail.example" : null).text(rsvp)
                                    .col(party).text(r.nextDouble() < 0.12 ? DIETARY[r.nextInt(DIETARY.length)] : null)
                                    .nullableId(rsvp.equals("accepted") && status >= 2 ? 1 + r.nextInt(40) : 0).end();
                            id++;
                        }
                    }
                }
                case "notifications" -> {
                    long id = 1;
                    for (int p = 1; p <= plannerOrg.length; p++) {
                        int org = plannerOrg[p - 1];
                        int n = 10 + (int) Math.min(400, Math.abs(r.nextGaussian() * 70));
                        for (int k = 0; k < n; k++) {
                            long created = ANCHOR_SECOND - r.nextInt(86_400 * 120);
                            int kind = r.nextInt(NOTE_KINDS.length);
                            out.col(id++).col(p).nullableId(clientOfOrg(org, r)).text(NOTE_KINDS[kind])
                                    .text(noteMessage(kind, r)).timestamp(created)
                                    .nullableTimestamp(r.nextDouble() < 0.7 ? created + r.nextInt(86_400 * 3) : -1).end();
                        }
                    }
                }
                case "analytics_events" -> {
                    long id = 1;
                    int b = 0;
                    for (int i = 0; i < clients; i++) {
                        out.col(id++).col(clientOrg[i]).col(i + 1).text(null).text("client_created")
                                .timestamp(clientCreated[i]).text(null).end();
                        while (b < bookingClient.length && bookingClient[b] == i + 1) {
                            out.col(id++).col(clientOrg[i]).col(i + 1).col(bookingVendor[b]).text("booking_made")
                                    .timestamp(clientCreated[i] + 86_400L * (1 + r.nextInt(60))).money(bookingCents[b]).end();
                            b++;
                        }
                        int views = r.nextInt(5);
                        for (int k = 0; k < views; k++) {
                            out.col(id++).col(clientOrg[i]).col(i + 1).col(1 + r.nextInt(vendors)).text("vendor_viewed")
                                    .timestamp(clientCreated[i] + r.nextInt(86_400 * 90)).text(null).end();
                        }
                    }
                }
                default -> throw new IllegalArgumentException("unknown table " + table);
            }
        }

        /** Returns a random client of the organization, or 0 when it has none (scans from a random start). */
        private int clientOfOrg(int org, SplittableRandom r) {
            int start = r.nextInt(clients);
            for (int k = 0; k < 64; k++) {
                int i = (start + k * 9973) % clients;
                if (clientOrg[i] == org) {
                    return i + 1;
                }
            }
            return 0;
        }

        private static String noteMessage(int kind, SplittableRandom r) {
            return switch (kind) {
                case 0 -> "Task due soon: " + TASKS[r.nextInt(TASKS.length)];
                case 1 -> "Payment due in " + (1 + r.nextInt(14)) + " days";
                case 2 -> (1 + r.nextInt(6)) + " new RSVPs received";
                case 3 -> "Booking confirmed by vendor";
                default -> "New message from your couple";
            };
        }

        private static String capitalize(String s) {
            return Character.toUpperCase(s.charAt(0)) + s.substring(1);
        }
    }
}
