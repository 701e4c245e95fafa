package dev.perfgate.sut.metrics;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The Prometheus registry with JVM and process metrics bound; pools and routes register their own meters. */
public final class Metrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final HeapPeak heapPeak = new HeapPeak();

    public Metrics() {
        registry.config().commonTags("application", "perfgate-sut");
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        io.micrometer.core.instrument.Gauge.builder("perfgate.jvm.heap.peak", heapPeak, HeapPeak::peakBytes)
                .baseUnit("bytes").description("Most heap held at once since start or the last metrics reset")
                .register(registry);
    }

    /** Returns the heap's peak use since start or the last metrics reset. */
    public HeapPeak heapPeak() {
        return heapPeak;
    }

    /** Returns the registry every component registers with. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Returns the Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        heapPeak.close();
        gc.close();
        registry.close();
    }
}
