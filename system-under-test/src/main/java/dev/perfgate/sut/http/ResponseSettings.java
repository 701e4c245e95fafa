package dev.perfgate.sut.http;

import java.util.List;

/**
 * How requests are taken in and answered: body limit, response coding, live streams, exports, the slow-request log
 * and injected faults, built and validated at the top ({@code SutConfig}) and handed to the HTTP layer.
 *
 * @param maxBodyBytes        largest accepted request body
 * @param compression         response codings offered, most preferred first
 * @param compressionMinBytes smallest response body that is compressed
 * @param sseIntervalMs       how often the live streams send figures
 * @param sseHeartbeatMs      longest silence on a live stream before a heartbeat comment
 * @param exportFetchSize     rows an export fetches from its database cursor at a time
 * @param slowRequestMs       requests at least this slow are logged with their X-Request-Id
 * @param faults              faults injected on purpose (see {@link Faults}), empty for none
 */
public record ResponseSettings(int maxBodyBytes, List<ResponseEncoding.Coding> compression, int compressionMinBytes,
                               int sseIntervalMs, int sseHeartbeatMs, int exportFetchSize, int slowRequestMs,
                               String faults) {
    public ResponseSettings {
        compression = List.copyOf(compression);
    }
}
