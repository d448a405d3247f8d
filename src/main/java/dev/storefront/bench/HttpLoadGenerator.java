package dev.storefront.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code bench http} engine in one process: a private Vert.x with {@code threads} event loops, one
 * {@link LoadWorker} per event loop sharing the connections and the offered load, started together after every
 * connection was attempted (so connecting is not measured). Runs the warm-up (when there is one), then the measured
 * phase, each starting when its {@link PhaseGate} says, and adds the event loops' figures into one {@link LoadResult}.
 */
public final class HttpLoadGenerator {

  static final String WARMUP = "warmup";
  static final String MEASURED = "measured";

  private HttpLoadGenerator() {
  }

  /** Runs the load described by {@code config}; blocks the calling thread (never call it on an event loop). */
  public static LoadResult run(LoadConfig config) {
    return run(config, PhaseGate.NOW);
  }

  /** As {@link #run(LoadConfig)}, each phase starting when {@code gate} says. */
  static LoadResult run(LoadConfig config, PhaseGate gate) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.threads()).setWorkerPoolSize(1)
        .setInternalBlockingPoolSize(1).setPreferNativeTransport(true));
    try {
      List<LoadWorker> workers = new ArrayList<>();
      List<Future<String>> deployments = new ArrayList<>();
      for (int i = 0; i < config.threads(); i++) {
        int connections = config.connections() / config.threads() + (i < config.connections() % config.threads() ? 1 : 0);
        LoadWorker worker = new LoadWorker(config, connections, System.nanoTime() + i);
        workers.add(worker);
        deployments.add(vertx.deployVerticle(worker));
      }
      await(Future.all(deployments), config);
      PhaseStats warmup = null;
      if (!config.warmup().isZero()) {
        warmup = phase(workers, WARMUP, config.warmupSchedule(), config.warmup().toNanos(), gate, config, null);
        // The warm-up's garbage (and start-up's) is collected now, between the phases, while nothing is in
        // flight: otherwise the generator's first collection falls into the measured window, and with a large
        // young generation that pause (60 ms seen here) stalls every connection and shows up as server latency.
        System.gc();
      }
      double[] cpuCores = new double[1];
      PhaseStats measured = phase(workers, MEASURED, config.measuredSchedule(), config.duration().toNanos(), gate,
          config, cpuCores);
      return new LoadResult(config, warmup, measured, cpuCores[0], 1);
    } finally {
      await(vertx.close(), config);
    }
  }

  private static PhaseStats phase(List<LoadWorker> workers, String name, RateSchedule schedule, long durationNs,
                                  PhaseGate gate, LoadConfig config, double[] cpuCores) {
    PhaseGate.Start start = gate.awaitStart(name);
    long cpu0 = processCpuNanos(); // the generator's own CPU use over this phase only
    long wall0 = System.nanoTime();
    RateSchedule share = schedule == null ? null : schedule.scaled(1.0 / workers.size());
    List<Future<PhaseStats>> runs = new ArrayList<>();
    for (LoadWorker w : workers) {
      runs.add(w.begin(name, share, durationNs, start.nanoTime(), start.epochMs()));
    }
    await(Future.all(runs), config);
    if (cpuCores != null) {
      double wallSeconds = (System.nanoTime() - wall0) / 1e9;
      cpuCores[0] = wallSeconds > 0 ? (processCpuNanos() - cpu0) / 1e9 / wallSeconds : 0;
    }
    PhaseStats all = new PhaseStats(name, durationNs, start.epochMs());
    for (Future<PhaseStats> run : runs) {
      all.add(run.result());
    }
    gate.finished(all);
    return all;
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
