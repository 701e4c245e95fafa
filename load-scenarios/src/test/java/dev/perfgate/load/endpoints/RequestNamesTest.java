package dev.perfgate.load.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * A request name stands for one request. Every simulation registers its requests while Gatling builds it (the
 * main job and verify's smoke runs build every journey), so the check below runs on every scenario.
 */
class RequestNamesTest {

    @Test
    void aSecondRequestUnderATakenNameStopsTheSimulation() {
        RequestNames names = new RequestNames();
        names.register("clients list", "GET", "/api/clients?org=#{orgId}&cursor=");
        names.register("clients list", "GET", "/api/clients?org=#{orgId}&cursor="); // the same request again
        names.register("clients offset page", "GET", "/api/clients?org=#{orgId}&page=2");
        assertThatThrownBy(() -> names.register("clients list", "GET", "/api/clients?org=#{orgId}&page=2"))
                .hasMessage("request name \"clients list\" was given to two requests, GET /api/clients?org=#{orgId}"
                        + "&cursor= and GET /api/clients?org=#{orgId}&page=2; each request needs a name of its own"
                        + " (budgets, baselines and report rows are keyed by it)");
        assertThat(names.all()).hasSize(2);
    }
}
