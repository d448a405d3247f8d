package dev.storefront.metrics;

import dev.storefront.config.Settings;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Metrics as a Vert.x instance is built (they cannot be added later): with {@code metrics.enabled}, a Prometheus
 * registry of its own, every meter tagged {@code node=<name>}, Vert.x's HTTP server and client, SQL client and pool,
 * event bus and JVM meters in it, and timers with histogram buckets from 0.25 ms to 60 s. Without it, the builder
 * is left alone and the Vert.x instance has no metrics at all.
 *
 * <p>Labels: HTTP requests by method, route <em>pattern</em> ({@code /products/:id}, never the raw path; requests
 * no route matched have route {@code ""}) and status code, and by local address (the shared API port or the
 * node's management port); event-bus meters by address, with trailing ids (job ids, cluster node ids) folded into
 * {@code <id>} so that the number of series stays bounded.
 */
public final class MetricsSetup {

  /** Bucket bounds of every timer: sub-millisecond catalog reads up to minute-long jobs. */
  static final Duration[] BUCKETS = {
      Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofSeconds(60)};
  /** A last address segment that is a number or a UUID: {@code storefront.jobs.events.17}, {@code storefront.locks.<uuid>}. */
  private static final Pattern TRAILING_ID = Pattern.compile("\\.(\\d+|[0-9a-fA-F]{8}-[0-9a-fA-F-]{27})$");
  /** Vert.x keys its backend registries by name: each Vert.x instance gets its own (tests run several in one JVM). */
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final PrometheusMeterRegistry registry;
  private final MicrometerMetricsOptions options;

  private MetricsSetup(PrometheusMeterRegistry registry, MicrometerMetricsOptions options) {
    this.registry = registry;
    this.options = options;
  }

  /** The set-up {@code metrics.enabled} asks for, tagging every meter with {@code node=nodeName}. */
  public static MetricsSetup of(Settings settings, String nodeName) {
    if (!settings.bool("metrics.enabled")) {
      return new MetricsSetup(null, null);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config()
        .commonTags(List.of(Tag.of("node", nodeName)))
        .meterFilter(MeterFilter.replaceTagValues(Label.EB_ADDRESS.toString(),
            address -> TRAILING_ID.matcher(address).replaceFirst(".<id>")))
        .meterFilter(timerBuckets());
    MicrometerMetricsOptions options = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName("storefront-" + nodeName + "-" + SEQUENCE.incrementAndGet())
        .setJvmMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.LOCAL, Label.HTTP_METHOD, Label.HTTP_ROUTE, Label.HTTP_CODE,
            Label.POOL_TYPE, Label.POOL_NAME, Label.EB_ADDRESS, Label.EB_SIDE, Label.EB_FAILURE))
        // the registry is scraped by the node's management server, not by an embedded one
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setStartEmbeddedServer(false));
    return new MetricsSetup(registry, options);
  }

  private static MeterFilter timerBuckets() {
    double[] nanos = new double[BUCKETS.length];
    for (int i = 0; i < BUCKETS.length; i++) {
      nanos[i] = BUCKETS[i].toNanos();
    }
    DistributionStatisticConfig buckets = DistributionStatisticConfig.builder().serviceLevelObjectives(nanos).build();
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        return id.getType() == Meter.Type.TIMER ? buckets.merge(config) : config;
      }
    };
  }

  public boolean enabled() {
    return registry != null;
  }

  /** {@code Vertx.builder().with(options)}, with the metrics factory and options when metrics are on. */
  public VertxBuilder builder(VertxOptions vertxOptions) {
    if (registry == null) {
      return Vertx.builder().with(vertxOptions);
    }
    return Vertx.builder().with(vertxOptions.setMetricsOptions(options)).withMetrics(new MicrometerMetricsFactory(registry));
  }

  /** Makes the registry {@link Metrics#of(Vertx) findable} from {@code vertx}, the instance this set-up built. */
  public Vertx attach(Vertx vertx) {
    if (registry != null) {
      Metrics.register(vertx, registry);
    }
    return vertx;
  }
}
