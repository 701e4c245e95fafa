package dev.perfgate.sut.http;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.perfgate.sut.cache.CacheName;
import dev.perfgate.sut.cache.CacheTags;
import dev.perfgate.sut.contract.ApiException;
import dev.perfgate.sut.domain.Bookings;
import dev.perfgate.sut.domain.BudgetItems;
import dev.perfgate.sut.domain.Clients;
import dev.perfgate.sut.domain.Guests;
import dev.perfgate.sut.domain.Paging;
import dev.perfgate.sut.domain.Tasks;
import dev.perfgate.sut.domain.Timelines;
import dev.perfgate.sut.domain.Written;

/** Couples and everything hanging off them: budget, timeline, guests, tasks, bookings. */
public final class ClientEndpoints {
    private final Clients clients;
    private final BudgetItems budgets;
    private final Timelines timelines;
    private final Guests guests;
    private final Tasks tasks;
    private final Bookings bookings;
    private final CachedReads reads;

    public ClientEndpoints(Clients clients, BudgetItems budgets, Timelines timelines, Guests guests, Tasks tasks,
                           Bookings bookings, CachedReads reads) {
        this.reads = reads;
        this.clients = clients;
        this.budgets = budgets;
        this.timelines = timelines;
        this.guests = guests;
        this.tasks = tasks;
        this.bookings = bookings;
    }

    /** Registers the routes. */
    public void register(Routes routes) {
        routes.get("/api/clients", this::list)
                .post("/api/clients", this::create)
                .get("/api/clients/{id}", this::detail)
                .put("/api/clients/{id}", this::update)
                .get("/api/clients/{id}/budget", this::budget)
                .get("/api/clients/{id}/timeline", this::timeline)
                .get("/api/clients/{id}/guests", this::guests)
                .post("/api/clients/{id}/tasks", this::createTask)
                .post("/api/clients/{id}/bookings", this::createBooking)
                .put("/api/budget-items/{id}", this::updateBudgetItem)
                .patch("/api/tasks/{id}", this::patchTask);
    }

    static Paging.PageRequest page(ApiRequest r, Map<String, Paging.SortKey> sorts, String defaultSort) {
        return Paging.request(sorts, defaultSort, r.param("sort"), r.intParam("size", 20, 1, Paging.MAX_SIZE),
                r.param("page"), r.param("cursor"), r.mode() == PerfMode.NAIVE);
    }

    private ApiResponse list(ApiRequest r) throws Exception {
        r.allowParams("org", "status", "q", "sort", "page", "size", "cursor");
        long org = r.requiredId("org");
        return ApiResponse.ok(clients.list(r.context(), org, r.enumParam("status", Clients.STATUSES), r.textParam("q", 100),
                page(r, Clients.SORTS, "weddingDate")));
    }

    private ApiResponse detail(ApiRequest r) throws Exception {
        r.allowParams();
        long id = r.pathId("id");
        return ApiResponse.ok(reads.get(r, CacheName.CLIENT_DETAIL, Long.toString(id), List.of(CacheTags.client(id)),
                request -> clients.detail(request, id)));
    }

    private static Clients.Fields clientFields(Body b, Optional<String> defaultStatus) {
        return new Clients.Fields(b.text("partner1Name", 1, 200), b.text("partner2Name", 1, 200), b.email("email"),
                b.optionalText("phone", 3, 40).orElse(null), b.date("weddingDate"),
                defaultStatus.isPresent() ? b.optionalChoice("status", Clients.STATUSES).orElse(defaultStatus.get())
                        : b.choice("status", Clients.STATUSES),
                b.text("city", 1, 100), (int) b.integer("guestEstimate", 1, 2000), b.money("budgetTotal"));
    }

    private ApiResponse create(ApiRequest r) throws Exception {
        r.allowParams();
        Body b = r.body().allowFields("orgId", "partner1Name", "partner2Name", "email", "phone", "weddingDate", "status",
                "city", "guestEstimate", "budgetTotal");
        long org = b.integer("orgId", 1, Long.MAX_VALUE);
        Clients.Client created = clients.create(r.context(), org, clientFields(b, Optional.of("inquiry")));
        reads.invalidate(CacheTags.orgAnalytics(org));
        return ApiResponse.created(created, "/api/clients/" + created.id());
    }

    private ApiResponse update(ApiRequest r) throws Exception {
        r.allowParams();
        long id = r.pathId("id");
        Body b = r.body().allowFields("partner1Name", "partner2Name", "email", "phone", "weddingDate", "status", "city",
                "guestEstimate", "budgetTotal", "version");
        Optional<Long> version = b.optionalInteger("version", 0, Integer.MAX_VALUE);
        Clients.Client updated = clients.update(r.context(), id, clientFields(b, Optional.empty()), version);
        reads.invalidate(CacheTags.client(id), CacheTags.orgAnalytics(updated.orgId()));
        return ApiResponse.ok(updated);
    }

    private ApiResponse budget(ApiRequest r) throws Exception {
        r.allowParams();
        long id = r.pathId("id");
        return ApiResponse.ok(reads.get(r, CacheName.BUDGET, Long.toString(id), List.of(CacheTags.client(id)),
                request -> budgets.budget(request, id)));
    }

    private ApiResponse timeline(ApiRequest r) throws Exception {
        r.allowParams("from", "to", "page", "size");
        long id = r.pathId("id");
        LocalDate from = r.dateParam("from").orElse(LocalDate.of(1900, 1, 1));
        LocalDate to = r.dateParam("to").orElse(LocalDate.of(2200, 12, 31));
        if (to.isBefore(from)) {
            throw ApiException.badRequest("to", "to (" + to + ") must not be before from (" + from + ")");
        }
        int page = r.intParam("page", 0, 0, Paging.MAX_PAGE);
        int size = r.intParam("size", 50, 1, Paging.MAX_SIZE);
        return ApiResponse.ok(reads.get(r, CacheName.TIMELINE, id + "?" + r.canonicalQuery(),
                List.of(CacheTags.client(id)), request -> timelines.timeline(request, id, from, to, page, size)));
    }

    private ApiResponse guests(ApiRequest r) throws Exception {
        r.allowParams("rsvp", "sort", "page", "size", "cursor");
        long id = r.pathId("id");
        return ApiResponse.ok(guests.list(r.context(), id, r.enumParam("rsvp", Guests.RSVP), page(r, Guests.SORTS, "id")));
    }

    private ApiResponse createTask(ApiRequest r) throws Exception {
        r.allowParams();
        long clientId = r.pathId("id");
        Body b = r.body().allowFields("title", "dueDate", "status", "priority", "assigneeId");
        Tasks.NewTask task = new Tasks.NewTask(b.text("title", 1, 200), b.date("dueDate"),
                b.optionalChoice("status", Tasks.STATUSES).orElse("todo"),
                b.optionalInteger("priority", 1, 3).orElse(2L).intValue(),
                b.optionalInteger("assigneeId", 1, Long.MAX_VALUE).orElse(null));
        Written<Tasks.Task> created = tasks.create(r.context(), clientId, task);
        reads.invalidate(CacheTags.client(clientId), CacheTags.orgAnalytics(created.orgId()));
        return ApiResponse.created(created.value(), "/api/tasks/" + created.value().id());
    }

    private ApiResponse patchTask(ApiRequest r) throws Exception {
        r.allowParams();
        long id = r.pathId("id");
        Body b = r.body().allowFields("title", "dueDate", "status", "priority", "assigneeId", "version")
                .requireAnyOf("title", "dueDate", "status", "priority", "assigneeId");
        for (String required : new String[] {"title", "dueDate", "status", "priority"}) {
            if (b.isNull(required)) {
                throw ApiException.badRequest(required, required + " cannot be null; omit it to keep the current value");
            }
        }
        Tasks.Patch patch = new Tasks.Patch(b.optionalText("title", 1, 200), b.optionalDate("dueDate"),
                b.optionalChoice("status", Tasks.STATUSES), b.optionalInteger("priority", 1, 3).map(Long::intValue),
                b.optionalInteger("assigneeId", 1, Long.MAX_VALUE), b.isNull("assigneeId"),
                b.optionalInteger("version", 0, Integer.MAX_VALUE));
        Written<Tasks.Task> patched = tasks.patch(r.context(), id, patch);
        reads.invalidate(CacheTags.client(patched.value().clientId()), CacheTags.orgAnalytics(patched.orgId()));
        return ApiResponse.ok(patched.value());
    }

    private ApiResponse createBooking(ApiRequest r) throws Exception {
        r.allowParams();
        long clientId = r.pathId("id");
        Body b = r.body().allowFields("vendorId", "eventDate", "status", "amount");
        long vendorId = b.integer("vendorId", 1, Long.MAX_VALUE);
        Written<Bookings.Booking> booking = bookings.create(r.context(), clientId, vendorId,
                b.optionalDate("eventDate").orElse(null), b.optionalChoice("status", Bookings.STATUSES).orElse("pending"),
                b.money("amount"));
        // the couple's summary, the vendor's booking counts, the organization's analytics
        reads.invalidate(CacheTags.client(clientId), CacheTags.vendor(vendorId), CacheTags.orgAnalytics(booking.orgId()));
        return ApiResponse.created(booking.value(), "/api/clients/" + clientId + "/bookings/" + booking.value().id());
    }

    private ApiResponse updateBudgetItem(ApiRequest r) throws Exception {
        r.allowParams();
        long id = r.pathId("id");
        Body b = r.body().allowFields("category", "description", "estimated", "actual", "vendorId", "version");
        BudgetItems.ItemFields fields = new BudgetItems.ItemFields(b.text("category", 1, 60),
                b.optionalText("description", 0, 500).orElse(""), b.money("estimated"), b.money("actual"),
                b.optionalInteger("vendorId", 1, Long.MAX_VALUE).orElse(null));
        Written<BudgetItems.Item> item = budgets.update(r.context(), id, fields, b.optionalInteger("version", 0, Integer.MAX_VALUE));
        reads.invalidate(CacheTags.client(item.value().clientId()), CacheTags.orgAnalytics(item.orgId()));
        return ApiResponse.ok(item.value());
    }
}
