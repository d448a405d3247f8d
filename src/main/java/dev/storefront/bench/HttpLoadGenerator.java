package dev.storefront.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code bench http} engine: a private Vert.x with {@code threads} event loops, one {@link LoadWorker} per event
 * loop sharing the connections and the rate, started together after every connection was attempted (so connecting
 * is not measured), and merged into one {@link LoadResult}.
 */
public final class HttpLoadGenerator {

  private HttpLoadGenerator() {
  }

  /** Runs the load described by {@code config}; blocks the calling thread (never call it on an event loop). */
  public static LoadResult run(LoadConfig config) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.threads()).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1).setPreferNativeTransport(true));
    try {
      List<LoadWorker> workers = new ArrayList<>();
      List<Future<String>> deployments = new ArrayList<>();
      for (int i = 0; i < config.threads(); i++) {
        int connections = config.connections() / config.threads() + (i < config.connections() % config.threads() ? 1 : 0);
        LoadWorker worker = new LoadWorker(config, connections, config.rate() / config.threads(), System.nanoTime() + i);
        workers.add(worker);
        deployments.add(vertx.deployVerticle(worker));
      }
      await(Future.all(deployments), config);
      if (!config.warmup().isZero()) {
        phase(workers, System.nanoTime(), config.warmup().toNanos(), false, config);
        // The warm-up's garbage (and start-up's) is collected now, between the phases, while nothing is in
        // flight: otherwise the generator's first collection falls into the measured window, and with a large
        // young generation that pause (60 ms seen here) stalls every connection and shows up as server latency.
        System.gc();
      }
      long t0 = System.nanoTime();
      long cpu0 = processCpuNanos(); // the generator's own CPU use over the measured part only
      phase(workers, t0, config.duration().toNanos(), true, config);
      double wallSeconds = (System.nanoTime() - t0) / 1e9;
      double cpuCores = wallSeconds > 0 ? (processCpuNanos() - cpu0) / 1e9 / wallSeconds : 0;
      return merge(config, workers, t0, cpuCores);
    } finally {
      await(vertx.close(), config);
    }
  }

  private static void phase(List<LoadWorker> workers, long t0, long durationNs, boolean measured, LoadConfig config) {
    List<Future<Void>> runs = new ArrayList<>();
    for (LoadWorker w : workers) {
      runs.add(w.begin(t0, durationNs, measured));
    }
    await(Future.all(runs), config);
  }

  private static LoadResult merge(LoadConfig config, List<LoadWorker> workers, long t0, double cpuCores) {
    Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    Histogram sendLag = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    long[] errors = new long[ErrorKind.values().length];
    long responses = 0;
    long total = 0;
    long lastResponse = 0;
    for (LoadWorker w : workers) {
      histogram.add(w.histogram);
      sendLag.add(w.sendLag);
      for (int k = 0; k < errors.length; k++) {
        errors[k] += w.errors[k];
      }
      responses += w.responses;
      total += w.totalResponses;
      lastResponse = Math.max(lastResponse, w.lastMeasuredResponse);
    }
    long window = Math.max(config.duration().toNanos(), lastResponse - t0);
    return new LoadResult(config, responses, total, errors, window / 1e9, histogram, cpuCores, sendLag);
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private static <T> T await(Future<T> future, LoadConfig config) {
    long limitMs = config.warmup().toMillis() + config.duration().toMillis() + 3 * config.timeout().toMillis() + 30_000;
    try {
      return future.toCompletionStage().toCompletableFuture().get(limitMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (Exception e) {
      throw new IllegalStateException("load run failed: " + e.getMessage(), e);
    }
  }
}
