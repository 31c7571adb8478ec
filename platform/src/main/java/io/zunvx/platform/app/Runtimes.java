package io.zunvx.platform.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;

/** Builds the Vert.x instance every role runs in, with Prometheus metrics. */
public final class Runtimes {
    private Runtimes() {
    }

    public static Vertx vertx() {
        return vertx(new VertxOptions());
    }

    /** The same, from {@code options} (tests pass a low blocked-thread warning time). */
    public static Vertx vertx(VertxOptions options) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
                .setJvmMetricsEnabled(true)
                .setEnabled(true);
        return Vertx.builder()
                .with(new VertxOptions(options).setMetricsOptions(metrics))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
    }

    /** The Prometheus registry of the running Vert.x, if metrics are on. */
    public static PrometheusMeterRegistry registry() {
        return BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry p ? p : null;
    }
}
