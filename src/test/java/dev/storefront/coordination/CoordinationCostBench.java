package dev.storefront.coordination;

import dev.storefront.testing.Await;
import dev.storefront.testing.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What mode cp costs against mode ap, in one JVM on loopback (3 clustered nodes, all operations from node 0, one
 * at a time): a counter increment, and an uncontended lock acquire + release. Blocks of 100 operations alternate
 * between the modes, 2000 of each in all, after a warm-up. Not part of the build:
 * {@code mvn -B test -Dtest=CoordinationCostBench -Dstorefront.coordination.bench=true}.
 */
@EnabledIfSystemProperty(named = "storefront.coordination.bench", matches = "true")
@DisplayName("Cost of mode cp against mode ap (benchmark, run by hand)")
class CoordinationCostBench {

  private static final int OPS = 2000;
  private static final int BLOCK = 100;
  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = CpTesting.cpCluster("sf-cost", 3, s -> s);
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  @Test
  @DisplayName("counter increment and lock hold/release, ap against cp: ops/s and latency percentiles")
  void cost() throws Exception {
    Vertx node = cluster.node(0);
    CounterStore ap = ApCounters.of(node);
    CounterStore cp = CounterStore.of(node);
    LockService apLocks = ApLocks.of(node, LockService.of(node).leases());
    LockService cpLocks = LockService.of(node);
    Map<String, Supplier<Future<?>>> ops = new LinkedHashMap<>();
    ops.put("ap counter increment", () -> ap.incrementAndGet("cost"));
    ops.put("cp counter increment", () -> cp.incrementAndGet("cost"));
    ops.put("ap lock acquire+release", () -> apLocks.acquire("cost", 1000).compose(FencedLock::release));
    ops.put("cp lock acquire+release", () -> cpLocks.acquire("cost", 1000).compose(FencedLock::release));
    Map<String, Histogram> latency = new LinkedHashMap<>();
    Map<String, long[]> elapsed = new LinkedHashMap<>();
    ops.keySet().forEach(k -> {
      latency.put(k, new Histogram(10_000_000_000L, 3));
      elapsed.put(k, new long[1]);
    });
    for (Supplier<Future<?>> op : ops.values()) {
      Await.await(run(node, op, 300, null, null)); // warm-up
    }
    for (int done = 0; done < OPS; done += BLOCK) {
      for (Map.Entry<String, Supplier<Future<?>>> e : ops.entrySet()) {
        Await.await(run(node, e.getValue(), BLOCK, latency.get(e.getKey()), elapsed.get(e.getKey())));
      }
    }
    System.out.println("coordination cost, " + OPS + " sequential operations each, from node 0 of 3 in one JVM:");
    for (String k : ops.keySet()) {
      Histogram h = latency.get(k);
      System.out.printf("  %-26s %8.0f ops/s   p50 %6.3f ms   p99 %6.3f ms   max %7.3f ms%n", k,
          OPS / (elapsed.get(k)[0] / 1e9), h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, h.getMaxValue() / 1e6);
    }
  }

  /** {@code times} operations one after the other on a context of {@code node}, recording each one's latency. */
  private static Future<Void> run(Vertx node, Supplier<Future<?>> op, int times, Histogram latency, long[] elapsed) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    node.runOnContext(v -> {
      long start = System.nanoTime();
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < times; i++) {
        chain = chain.compose(x -> {
          long t0 = System.nanoTime();
          return op.get().map(r -> {
            if (latency != null) {
              latency.recordValue(System.nanoTime() - t0);
            }
            return null;
          });
        });
      }
      chain.onSuccess(x -> {
        if (elapsed != null) {
          elapsed[0] += System.nanoTime() - start;
        }
      }).onComplete(done);
    });
    return done.future();
  }
}
