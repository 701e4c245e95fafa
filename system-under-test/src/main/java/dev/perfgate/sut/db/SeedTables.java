package dev.perfgate.sut.db;

import static dev.perfgate.sut.db.SeedPlan.BOOKING_STATUS;
import static dev.perfgate.sut.db.SeedPlan.STATUS;
import static dev.perfgate.sut.db.SeedVocabulary.*;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Every table the seeder fills, once each: its name, its COPY columns and the writer of its rows, which draws from
 * the {@link SeedPlan} (the values other tables refer to) and from a random source of its own. The list is in
 * foreign-key order (referenced tables first).
 */
final class SeedTables {
    /** One table: its name, the columns its rows are written in, and the writer of those rows. */
    record Table(String name, String columns, Rows rows) {
    }

    /** Writes a table's rows from the plan. */
    @FunctionalInterface
    interface Rows {
        void write(SeedTables tables, CopyWriter out, SplittableRandom r);
    }

    static final List<Table> ALL = List.of(
            new Table("organizations", "id, name, city, created_at", SeedTables::organizations),
            new Table("planners", "id, org_id, name, email, created_at", SeedTables::planners),
            new Table("vendors", "id, name, category, city, price_tier, rating, review_count, email, created_at",
                    SeedTables::vendors),
            new Table("clients", "id, org_id, partner1_name, partner2_name, email, phone, wedding_date, status, city,"
                    + " guest_estimate, budget_total, created_at, updated_at", SeedTables::clients),
            new Table("reviews", "id, vendor_id, client_id, rating, body, created_at", SeedTables::reviews),
            new Table("bookings", "id, client_id, vendor_id, event_date, status, amount, created_at",
                    SeedTables::bookings),
            new Table("budget_items", "id, client_id, category, description, estimated, actual, vendor_id, updated_at",
                    SeedTables::budgetItems),
            new Table("payments", "id, budget_item_id, amount, paid_on, method", SeedTables::payments),
            new Table("tasks",
                    "id, client_id, title, due_date, status, priority, assignee_id, created_at, completed_at",
                    SeedTables::tasks),
            new Table("guests", "id, client_id, name, email, rsvp, party_size, dietary, table_no", SeedTables::guests),
            new Table("notifications", "id, user_id, client_id, kind, message, created_at, read_at",
                    SeedTables::notifications),
            new Table("analytics_events", "id, org_id, client_id, vendor_id, event_type, occurred_at, amount",
                    SeedTables::analyticsEvents));

    private final SeedPlan plan;

    SeedTables(SeedPlan plan) {
        this.plan = plan;
    }

    /** Returns the table of that name. */
    static Table named(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown table " + name));
    }

    /** Writes the rows of organizations. */
    void organizations(CopyWriter out, SplittableRandom r) {
        for (int o = 1; o <= plan.orgs; o++) {
            out.col(o).text(ORG_WORDS[r.nextInt(ORG_WORDS.length)] + " " + ORG_NOUNS[r.nextInt(ORG_NOUNS.length)]
                    + " " + o).text(CITIES[r.nextInt(CITIES.length)])
                    .timestamp(ANCHOR_SECOND - 86_400L * (800 + r.nextInt(3000))).end();
        }
    }

    /** Writes the rows of planners. */
    void planners(CopyWriter out, SplittableRandom r) {
        for (int p = 1; p <= plan.plannerOrg.length; p++) {
            String first = FIRST[r.nextInt(FIRST.length)];
            String last = LAST[r.nextInt(LAST.length)];
            out.col(p).col(plan.plannerOrg[p - 1]).text(first + " " + last)
                    .text(first.toLowerCase() + "." + last.toLowerCase() + "." + p + "@org" + plan.plannerOrg[p - 1]
                            + ".example").timestamp(ANCHOR_SECOND - 86_400L * (30 + r.nextInt(2000))).end();
        }
    }

    /** Writes the rows of vendors. */
    void vendors(CopyWriter out, SplittableRandom r) {
        for (int v = 1; v <= plan.vendors; v++) {
            int n = plan.vendorReviewCount[v - 1];
            long ratingCents = n == 0 ? 0 : Math.round(100.0 * plan.vendorReviewSum[v - 1] / n);
            String category = CATEGORIES[plan.vendorCategory[v - 1]];
            out.col(v).text(VENDOR_WORDS[r.nextInt(VENDOR_WORDS.length)] + " "
                            + VENDOR_WORDS[r.nextInt(VENDOR_WORDS.length)] + " " + capitalize(category) + " " + v)
                    .text(category).text(CITIES[plan.vendorCity[v - 1]]).col(plan.vendorTier[v - 1])
                    .money(ratingCents).col(n).text("hello@vendor" + v + ".example")
                    .timestamp(ANCHOR_SECOND - 86_400L * (100 + r.nextInt(3000))).end();
        }
    }

    /** Writes the rows of clients. */
    void clients(CopyWriter out, SplittableRandom r) {
        for (int i = 0; i < plan.clients; i++) {
            String p1 = FIRST[r.nextInt(FIRST.length)] + " " + LAST[r.nextInt(LAST.length)];
            String p2 = FIRST[r.nextInt(FIRST.length)] + " " + LAST[r.nextInt(LAST.length)];
            long created = plan.clientCreated[i];
            long updated = Math.min(created + r.nextInt(86_400 * 90), ANCHOR_SECOND);
            out.col(i + 1).col(plan.clientOrg[i]).text(p1).text(p2)
                    .text(p1.toLowerCase().replace(' ', '.') + "." + (i + 1) + "@example.com")
                    .text(r.nextDouble() < 0.8 ? "+1-555-" + (1000 + r.nextInt(9000)) : null)
                    .date(plan.clientWedding[i]).text(STATUS[plan.clientStatus[i]]).text(CITIES[plan.clientCity[i]])
                    .col(plan.clientGuests[i]).money(plan.clientBudgetCents[i]).timestamp(created)
                    .timestamp(Math.max(updated, created)).end();
        }
    }

    /** Writes the rows of reviews. */
    void reviews(CopyWriter out, SplittableRandom r) {
        for (int k = 0; k < plan.reviewVendor.length; k++) {
            int rating = plan.reviewRating[k];
            String text = REVIEW_TEXT[(rating * 2 + r.nextInt(3)) % REVIEW_TEXT.length];
            out.col(k + 1).col(plan.reviewVendor[k]).nullableId(r.nextDouble() < 0.6 ? 1 + r.nextInt(plan.clients) : 0)
                    .col(rating).text(text).timestamp(ANCHOR_SECOND - r.nextInt(86_400 * 900)).end();
        }
    }

    /** Writes the rows of bookings. */
    void bookings(CopyWriter out, SplittableRandom r) {
        for (int k = 0; k < plan.bookingClient.length; k++) {
            int c = plan.bookingClient[k] - 1;
            out.col(k + 1).col(plan.bookingClient[k]).col(plan.bookingVendor[k]).date(plan.bookingDate[k])
                    .text(BOOKING_STATUS[plan.bookingStatus[k]]).money(plan.bookingCents[k])
                    .timestamp(plan.clientCreated[c] + 86_400L * (1 + r.nextInt(60))).end();
        }
    }

    /** Writes the rows of budget_items. */
    void budgetItems(CopyWriter out, SplittableRandom r) {
        for (int k = 0; k < plan.itemClient.length; k++) {
            String category = CATEGORIES[plan.itemCategory[k]];
            out.col(k + 1).col(plan.itemClient[k]).text(category).text(capitalize(category) + " budget")
                    .money(plan.itemEstimated[k]).money(plan.itemActual[k]).nullableId(plan.itemVendor[k])
                    .timestamp(plan.clientCreated[plan.itemClient[k] - 1] + 86_400L * r.nextInt(30)).end();
        }
    }

    /** Writes the rows of payments. */
    void payments(CopyWriter out, SplittableRandom r) {
        long id = 1;
        for (int k = 0; k < plan.itemClient.length; k++) {
            long actual = plan.itemActual[k];
            if (actual <= 0) {
                continue;
            }
            int c = plan.itemClient[k] - 1;
            boolean settled = plan.clientStatus[c] == 3;
            int parts = settled ? 1 + r.nextInt(3) : 1;
            long remaining = settled ? actual : Math.max(1, actual * 3 / 10);
            for (int p = 0; p < parts; p++) {
                long amount = p == parts - 1 ? remaining : Math.max(1, remaining / (parts - p));
                remaining -= amount;
                if (amount <= 0) {
                    continue;
                }
                long paidOn = Math.min(ANCHOR_DAY - 1, plan.clientWedding[c] - 200 + 90L * p + r.nextInt(30));
                out.col(id++).col(k + 1).money(amount).date(paidOn)
                        .text(PAYMENT_METHODS[r.nextInt(PAYMENT_METHODS.length)]).end();
            }
        }
    }

    /** Writes the rows of tasks. */
    void tasks(CopyWriter out, SplittableRandom r) {
        long id = 1;
        for (int i = 0; i < plan.clients; i++) {
            int n = 10 + r.nextInt(7);
            int org = plan.clientOrg[i] - 1;
            for (int t = 0; t < n; t++) {
                long due = plan.clientWedding[i] - TASK_OFFSET[t] + r.nextInt(7) - 3;
                String status;
                long completed = -1;
                if (plan.clientStatus[i] == 4) {
                    status = due < ANCHOR_DAY ? "done" : "blocked";
                } else if (due < ANCHOR_DAY) {
                    status = r.nextDouble() < 0.92 ? "done" : "in_progress";
                } else {
                    double x = r.nextDouble();
                    status = x < 0.7 ? "todo" : x < 0.95 ? "in_progress" : "blocked";
                }
                long created = plan.clientCreated[i] + 86_400L * r.nextInt(20);
                if (status.equals("done")) {
                    completed = Math.max(created, (due - r.nextInt(10)) * 86_400L + r.nextInt(86_400));
                }
                int assignee = r.nextDouble() < 0.9
                        ? plan.orgFirstPlanner[org] + r.nextInt(plan.orgPlannerCount[org]) : 0;
                out.col(id++).col(i + 1).text(TASKS[t]).date(due).text(status).col(1 + r.nextInt(3))
                        .nullableId(assignee).timestamp(created).nullableTimestamp(completed).end();
            }
        }
    }

    /** Writes the rows of guests. */
    void guests(CopyWriter out, SplittableRandom r) {
        long id = 1;
        for (int i = 0; i < plan.clients; i++) {
            int remaining = plan.clientGuests[i];
            int status = plan.clientStatus[i];
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

    /** Writes the rows of notifications. */
    void notifications(CopyWriter out, SplittableRandom r) {
        long id = 1;
        for (int p = 1; p <= plan.plannerOrg.length; p++) {
            int org = plan.plannerOrg[p - 1];
            int n = 10 + (int) Math.min(400, Math.abs(r.nextGaussian() * 70));
            for (int k = 0; k < n; k++) {
                long created = ANCHOR_SECOND - r.nextInt(86_400 * 120);
                int kind = r.nextInt(NOTE_KINDS.length);
                out.col(id++).col(p).nullableId(plan.clientOfOrg(org, r)).text(NOTE_KINDS[kind])
                        .text(noteMessage(kind, r)).timestamp(created)
                        .nullableTimestamp(r.nextDouble() < 0.7 ? created + r.nextInt(86_400 * 3) : -1).end();
            }
        }
    }

    /** Writes the rows of analytics_events. */
    void analyticsEvents(CopyWriter out, SplittableRandom r) {
        long id = 1;
        int b = 0;
        for (int i = 0; i < plan.clients; i++) {
            out.col(id++).col(plan.clientOrg[i]).col(i + 1).text(null).text("client_created")
                    .timestamp(plan.clientCreated[i]).text(null).end();
            while (b < plan.bookingClient.length && plan.bookingClient[b] == i + 1) {
                out.col(id++).col(plan.clientOrg[i]).col(i + 1).col(plan.bookingVendor[b]).text("booking_made")
                        .timestamp(plan.clientCreated[i] + 86_400L * (1 + r.nextInt(60)))
                        .money(plan.bookingCents[b]).end();
                b++;
            }
            int views = r.nextInt(5);
            for (int k = 0; k < views; k++) {
                out.col(id++).col(plan.clientOrg[i]).col(i + 1).col(1 + r.nextInt(plan.vendors)).text("vendor_viewed")
                        .timestamp(plan.clientCreated[i] + r.nextInt(86_400 * 90)).text(null).end();
            }
        }
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
