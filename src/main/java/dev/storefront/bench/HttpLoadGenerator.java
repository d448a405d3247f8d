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
      long t0 = System.nanoTime();
      List<Future<Void>> runs = new ArrayList<>();
      for (LoadWorker w : workers) {
        runs.add(w.begin(t0));
      }
      // the generator's own CPU use over the measured part (warm-up, with its JIT compilation, excluded)
      long measureStart = t0 + config.warmup().toNanos();
      sleepUntil(measureStart);
      long cpu0 = processCpuNanos();
      long wall0 = System.nanoTime();
      await(Future.all(runs), config);
      double wallSeconds = (System.nanoTime() - wall0) / 1e9;
      double cpuCores = wallSeconds > 0 ? (processCpuNanos() - cpu0) / 1e9 / wallSeconds : 0;
      return merge(config, workers, t0, cpuCores);
    } finally {
      await(vertx.close(), config);
    }
  }

  private static LoadResult merge(LoadConfig config, List<LoadWorker> workers, long t0, double cpuCores) {
    Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    long[] errors = new long[ErrorKind.values().length];
    long responses = 0;
    long total = 0;
    long lastResponse = 0;
    for (LoadWorker w : workers) {
      histogram.add(w.histogram);
      for (int k = 0; k < errors.length; k++) {
        errors[k] += w.errors[k];
      }
      responses += w.responses;
      total += w.totalResponses;
      lastResponse = Math.max(lastResponse, w.lastMeasuredResponse);
    }
    long measureStart = t0 + config.warmup().toNanos();
    long window = Math.max(config.duration().toNanos(), lastResponse - measureStart);
    return new LoadResult(config, responses, total, errors, window / 1e9, histogram, cpuCores);
  }

  private static void sleepUntil(long nanoTime) {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
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
