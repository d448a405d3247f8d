package dev.storefront.metrics;

import dev.storefront.failure.Failure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.shareddata.Shareable;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Storefront's own meters, recorded in the registry of the node's Vert.x instance (see {@link MetricsSetup}); a
 * no-op when the node runs without metrics. Every name Storefront records is here; Prometheus shows the dots as
 * underscores, counters with {@code _total} and timers in {@code _seconds}, each with the common {@code node} tag.
 *
 * <p>Not for a per-request hot path (each call looks its meter up); the HTTP server meters come from Vert.x.
 */
public final class Metrics {

  /** Counter: jobs this node accepted ({@code storefront_jobs_submitted_total}). */
  public static final String JOBS_SUBMITTED = "storefront.jobs.submitted";
  /** Counter, tag {@code state} (succeeded, failed, cancelled): jobs this node coordinated to their end. */
  public static final String JOBS_ENDED = "storefront.jobs.ended";
  /** Gauge: jobs this node is coordinating now. */
  public static final String JOBS_RUNNING = "storefront.jobs.running";
  /** Timer: a succeeded job's time from acceptance to its result, on the coordinating node. */
  public static final String JOBS_DURATION = "storefront.jobs.duration";
  /** Timer: a succeeded job's reduce left after its last map output, on the coordinating node. */
  public static final String JOBS_REDUCE = "storefront.jobs.reduce";
  /** Timer, tag {@code type} (file, feedback): one partition mapped by a worker of this node; its count is partitions mapped. */
  public static final String JOBS_MAP = "storefront.jobs.map";
  /** Gauge: open {@code GET /jobs/events} streams on this node (dashboards following every job). */
  public static final String JOBS_FOLLOWERS = "storefront.jobs.followers";
  /** Timer, tags {@code op} (counter.get, counter.update, lock.acquire, lock.release, lock.list, stats.flush) and {@code outcome}. */
  public static final String COORDINATION = "storefront.coordination";
  /** Gauge: members of the cluster as this node's cluster manager sees them (1 when not clustered). */
  public static final String CLUSTER_MEMBERS = "storefront.cluster.members";
  /** Gauge: 1 while this node serves the shared HTTP port (between start-up and drain), else 0. */
  public static final String NODE_SERVING = "storefront.node.serving";

  private static final String MAP = "storefront.metrics";
  private static final String KEY = "registry";
  private static final Metrics OFF = new Metrics(null);

  private final MeterRegistry registry;

  private Metrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The metrics of {@code vertx}: its registry, or a no-op when it was built without metrics. */
  public static Metrics of(Vertx vertx) {
    Holder holder = vertx.sharedData().<String, Holder>getLocalMap(MAP).get(KEY);
    return holder == null ? OFF : holder.metrics;
  }

  static void register(Vertx vertx, MeterRegistry registry) {
    vertx.sharedData().<String, Holder>getLocalMap(MAP).put(KEY, new Holder(new Metrics(registry)));
  }

  public boolean enabled() {
    return registry != null;
  }

  /** The registry, or null without metrics. */
  public MeterRegistry registry() {
    return registry;
  }

  public void increment(String name, String... tags) {
    if (registry != null) {
      Counter.builder(name).tags(tags).register(registry).increment();
    }
  }

  public void record(String name, long nanos, String... tags) {
    if (registry != null) {
      Timer.builder(name).tags(tags).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  public void recordSeconds(String name, double seconds, String... tags) {
    record(name, (long) (seconds * 1e9), tags);
  }

  /** Records the time since {@code startNanos} (a {@link System#nanoTime()}) with {@code outcome} from {@code result}. */
  public void recordOutcome(String name, long startNanos, AsyncResult<?> result, String... tags) {
    if (registry != null) {
      String[] all = Arrays.copyOf(tags, tags.length + 2);
      all[tags.length] = "outcome";
      all[tags.length + 1] = result.succeeded() ? "ok" : outcome(result.cause());
      record(name, System.nanoTime() - startNanos, all);
    }
  }

  /** Runs {@code operation} and records its time with an {@code outcome} tag; returns its future. */
  public <T> Future<T> time(String name, Supplier<Future<T>> operation, String... tags) {
    if (registry == null) {
      return operation.get();
    }
    long start = System.nanoTime();
    Future<T> result;
    try {
      result = operation.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.onComplete(ar -> recordOutcome(name, start, ar, tags));
  }

  /** A gauge read at each scrape (on a worker thread: {@code value} must be thread-safe). */
  public void gauge(String name, Supplier<Number> value, String... tags) {
    if (registry != null) {
      Gauge.builder(name, value).tags(tags).strongReference(true).register(registry);
    }
  }

  /** {@code conflict}, {@code unavailable}, ... for a domain failure, {@code timeout}, else {@code error}. */
  public static String outcome(Throwable failure) {
    if (failure instanceof Failure f) {
      return f.kind().name().toLowerCase(Locale.ROOT);
    }
    if (failure instanceof TimeoutException
        || failure instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT) {
      return "timeout";
    }
    return "error";
  }

  /** Local maps take only {@link Shareable} values; the registry is shared within the node, never copied. */
  private static final class Holder implements Shareable {
    private final Metrics metrics;

    private Holder(Metrics metrics) {
      this.metrics = metrics;
    }
  }
}
