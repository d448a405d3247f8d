package dev.storefront.bench;

import dev.storefront.coordination.CounterStore;
import dev.storefront.coordination.FencedLock;
import dev.storefront.coordination.LockService;
import dev.storefront.config.Settings;
import dev.storefront.cluster.Cluster;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.shareddata.AsyncMap;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.Deflater;

/**
 * One process of {@code bench race}: joins the race's cluster, then obeys the parent over stdin/stdout
 * ({@code GO a|b|c}, {@code READ a|b|c}, {@code EXIT}), answering {@code READY}, {@code DONE <phase> <histogram>}
 * (per-operation latency, HdrHistogram, base64) and {@code VALUE <phase> <n>}. Protocol lines start with
 * {@value #PREFIX}; anything else on stdout is ignored by the parent.
 */
public final class RaceWorker {

  static final String PREFIX = "RACE ";
  private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final Vertx vertx;
  private final String runId;
  private final int increments;
  private final int concurrency;
  private final PrintStream out;

  private RaceWorker(Vertx vertx, String runId, int increments, int concurrency, PrintStream out) {
    this.vertx = vertx;
    this.runId = runId;
    this.increments = increments;
    this.concurrency = concurrency;
    this.out = out;
  }

  /** Arguments: cluster name, first cluster port, processes to wait for, increments, run id, concurrency. */
  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.setOut(System.err); // only protocol lines on stdout; logs go to stderr
    Settings settings = Settings.defaults()
        .with("cluster.name", args[0])
        .with("cluster.port", Integer.parseInt(args[1]))
        .with("cluster.members", "127.0.0.1");
    int processes = Integer.parseInt(args[2]);
    Vertx vertx = await(Cluster.start(settings, 2));
    try {
      waitForMembers(vertx, processes);
      new RaceWorker(vertx, args[4], Integer.parseInt(args[3]), Integer.parseInt(args[5]), out).serve();
    } finally {
      await(vertx.close());
    }
  }

  private static void waitForMembers(Vertx vertx, int processes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (((VertxInternal) vertx).clusterManager().getNodes().size() < processes) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("cluster did not reach " + processes + " members within 60 s");
      }
      Thread.sleep(20); // polling the membership with a deadline; no event to await from here
    }
  }

  private void serve() throws Exception {
    out.println(PREFIX + "READY");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] cmd = line.trim().split(" ");
      switch (cmd[0]) {
        case "GO" -> out.println(PREFIX + "DONE " + cmd[1] + " " + encode(await(run(cmd[1]))));
        case "READ" -> out.println(PREFIX + "VALUE " + cmd[1] + " " + await(read(cmd[1])));
        case "EXIT" -> {
          return;
        }
        default -> out.println(PREFIX + "ERROR unknown command " + line);
      }
    }
  }

  private Future<Histogram> run(String phase) {
    CounterStore counters = CounterStore.of(vertx);
    LockService locks = LockService.of(vertx);
    String counter = "race/" + runId + "/b";
    String lock = "race/" + runId + "/c";
    return map().compose(map -> switch (phase) {
      // (a) get-then-put with nothing in between: the other processes' updates in that gap are lost
      case "a" -> repeat(() -> timed(() -> map.get("a").compose(v -> map.put("a", (v == null ? 0 : v) + 1))).map(Timed::nanos));
      // (b) one atomic remote operation per increment
      case "b" -> repeat(() -> timed(() -> counters.incrementAndGet(counter)).map(Timed::nanos));
      // (c) the same get-then-put as (a), inside a fenced cluster lock; the latency recorded is acquire + release
      case "c" -> repeat(() -> timed(() -> locks.acquire(lock, 60_000)).compose(acquired -> {
        FencedLock held = acquired.result;
        return map.get("c").compose(v -> map.put("c", (v == null ? 0 : v) + 1))
            .compose(v -> timed(held::release))
            .map(released -> acquired.nanos + released.nanos);
      }));
      default -> Future.failedFuture("unknown phase " + phase);
    });
  }

  private record Timed<T>(T result, long nanos) {
  }

  private static <T> Future<Timed<T>> timed(Supplier<Future<T>> op) {
    long start = System.nanoTime();
    return op.get().map(r -> new Timed<>(r, System.nanoTime() - start));
  }

  private Future<Long> read(String phase) {
    return phase.equals("b") ? CounterStore.of(vertx).get("race/" + runId + "/b")
        : map().compose(m -> m.get(phase)).map(v -> v == null ? 0L : v);
  }

  private Future<AsyncMap<String, Long>> map() {
    return vertx.sharedData().getClusterWideMap("storefront.race." + runId);
  }

  /**
   * Runs {@code op} {@code increments} times in {@code concurrency} chains of one-after-another operations on one
   * event loop, recording the latency each one reports.
   */
  private Future<Histogram> repeat(Supplier<Future<Long>> op) {
    Histogram latency = new Histogram(HIGHEST_NANOS, 3);
    int[] started = {0};
    List<Future<Void>> chains = new ArrayList<>();
    Promise<Void> ready = Promise.promise();
    vertx.runOnContext(v -> {
      for (int c = 0; c < concurrency; c++) {
        Promise<Void> chain = Promise.promise();
        chains.add(chain.future());
        step(op, started, latency, chain);
      }
      ready.complete();
    });
    return ready.future().compose(v -> Future.all(chains)).map(latency);
  }

  private void step(Supplier<Future<Long>> op, int[] started, Histogram latency, Promise<Void> chain) {
    if (started[0] == increments) {
      chain.complete();
      return;
    }
    started[0]++;
    op.get().onSuccess(nanos -> {
      latency.recordValue(Math.min(HIGHEST_NANOS, nanos));
      step(op, started, latency, chain);
    }).onFailure(chain::fail);
  }

  static String encode(Histogram h) {
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int n = h.encodeIntoCompressedByteBuffer(buf, Deflater.BEST_SPEED);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
  }

  static Histogram decode(String text) throws Exception {
    return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(text)), 0);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }
}
