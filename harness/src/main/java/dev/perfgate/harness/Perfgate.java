package dev.perfgate.harness;

import java.util.Locale;

import io.gatling.http.client.Request;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * perfgate's public API for a Gatling simulation: one line.
 *
 * <pre>{@code
 * HttpProtocolBuilder httpProtocol = Perfgate.record(http.baseUrl("http://127.0.0.1:8080"));
 * }</pre>
 *
 * Every request sent through that protocol is recorded exactly (HdrHistogram of every answer, by Gatling request
 * name; the service's {@code X-Query-Count} and {@code Server-Timing} headers when it sends them), the load
 * generator's own stalls are measured, and when Gatling ends the run is judged against {@code budgets.yaml} and the
 * committed baseline: {@code results.json}, {@code junit.xml} and {@code regression.html} are written, and a failed
 * check fails {@code gatling:test}. Nothing else in the simulation changes: requests keep their names, checks and
 * feeders; open and closed injection alike.
 *
 * <p>An answer is a success when its status is below 400, or is one of the statuses budgets.yaml lists for that
 * request under {@code expectedStatuses} (a 409 a scenario provokes on purpose).
 */
public final class Perfgate {
    private static volatile PerfgateRun current;

    private Perfgate() {
    }

    /**
     * Records every request of the protocol for the simulation whose constructor calls this, and judges the run at
     * the end. Returns the protocol to use in {@code setUp(...).protocols(...)}.
     */
    public static HttpProtocolBuilder record(HttpProtocolBuilder protocol) {
        Class<?> simulation = callingSimulation();
        return record(protocol, simulation.getSimpleName());
    }

    /**
     * The same, with the name results and baselines are kept under: for a variant of a simulation that is judged
     * against the other's baseline.
     */
    public static HttpProtocolBuilder record(HttpProtocolBuilder protocol, String simulationName) {
        PerfgateRun run = start(simulationName, callingSimulation().getSimpleName());
        return protocol
                .sign(request -> {
                    ExactResults.attempt(request.getName());
                    run.sawTarget(origin(request));
                    return request;
                })
                .transformResponse((response, session) -> {
                    String name = response.request().getName();
                    ExactResults.record(name, response, run.budgets().expectedStatuses(name));
                    return response;
                });
    }

    /** Returns the run of this JVM, for the optional extras (warm-up, service figures, capacity); null before one. */
    public static PerfgateRun run() {
        return current;
    }

    private static synchronized PerfgateRun start(String simulation, String gatlingName) {
        if (current != null) {
            if (!current.simulation().equals(simulation)) {
                throw new IllegalStateException("perfgate already records " + current.simulation() + " in this JVM;"
                        + " one simulation per Gatling run");
            }
            return current; // a second protocol of the same simulation shares its run
        }
        current = new PerfgateRun(simulation, gatlingName, HarnessSettings.fromSystemProperties());
        return current;
    }

    private static String origin(Request request) {
        var uri = request.getUri();
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost() + ":" + uri.getExplicitPort();
    }

    /** Returns the Gatling simulation class on the call stack (Java or Kotlin DSL, or Scala's). */
    private static Class<?> callingSimulation() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .map(StackWalker.StackFrame::getDeclaringClass)
                .filter(c -> io.gatling.javaapi.core.Simulation.class.isAssignableFrom(c)
                        || io.gatling.core.scenario.Simulation.class.isAssignableFrom(c))
                .reduce((a, b) -> b) // the outermost: the concrete class's constructor runs its parents' first
                .orElseThrow(() -> new IllegalStateException("Perfgate.record must be called while a Gatling"
                        + " simulation is constructed (a field or the constructor of the simulation class)")));
    }
}
