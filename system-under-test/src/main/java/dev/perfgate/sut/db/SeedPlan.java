package dev.perfgate.sut.db;

import static dev.perfgate.sut.db.SeedVocabulary.*;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Every value another table refers to, decided up front in one thread: organization sizes, planners,
 * vendors, clients, bookings and budget items. Arrays are indexed by id - 1.
 */
final class SeedPlan {
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

    SeedPlan(double scale, long seed) {
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

    /** Returns a random client of the organization, or 0 when it has none (scans from a random start). */
    int clientOfOrg(int org, SplittableRandom r) {
        int start = r.nextInt(clients);
        for (int k = 0; k < 64; k++) {
            int i = (start + k * 9973) % clients;
            if (clientOrg[i] == org) {
                return i + 1;
            }
        }
        return 0;
    }
}
