package dev.storefront.coordination;

import dev.storefront.testing.Await;
import dev.storefront.testing.TestHttp;
import dev.storefront.testing.TestCluster;
import dev.storefront.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mode cp when CP members are lost: the Hazelcast instances of two of the three nodes are terminated (as a crash
 * does: no goodbye), one after the other. One lost: the two left are a majority and serve. Two lost: the node left
 * alone refuses every counter and lock operation with a 503 within coordination.cpTimeoutMs (1 s here), where
 * Hazelcast alone would retry for about two minutes.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Coordination mode cp without a CP majority")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CpMinorityTest {

  private static final long BOUND_MS = 1000;
  private static TestCluster cluster;
  private static Vertx survivor;
  private static int port;
  private static FencedLock held;

  @BeforeAll
  static void start() throws Exception {
    cluster = CpTesting.cpCluster("sf-cp-minority", 3, s -> s.with("coordination.cpTimeoutMs", (int) BOUND_MS));
    survivor = cluster.node(0);
    port = Await.await(TestHttp.serve(survivor, dev.storefront.config.Settings.defaults(), r -> AdminRoutes.mount(r, survivor, cluster.settings)));
    Await.await(CounterStore.of(survivor).addAndGet("minority", 7));
    held = Await.await(LockService.of(survivor).acquire("minority-held", 0, 120_000));
  }

  @AfterAll
  static void stop() {
    for (Vertx node : cluster.nodes) {
      if (CpTesting.hazelcast(node).getLifecycleService().isRunning()) {
        CpTesting.hazelcast(node).getLifecycleService().terminate(); // a lone CP member cannot leave gracefully
      }
      try {
        node.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        // its Hazelcast is gone already; nothing else to release
      }
    }
  }

  @Test
  @Order(1)
  @DisplayName("one of three CP members lost: the two left are a majority, counters and locks still serve")
  void majorityServes(VertxTestContext ctx) {
    CpTesting.hazelcast(cluster.node(2)).getLifecycleService().terminate();
    // The CP groups whose Raft leader was lost elect a new one first (about 4 s measured; 503s meanwhile).
    CpTesting.eventually(survivor, () -> CounterStore.of(survivor).addAndGet("minority", 1))
        .compose(v -> {
          // 8, or more: an add that timed out (503) during the election may still have been applied
          ctx.verify(() -> assertTrue(v >= 8, "value " + v));
          return CpTesting.eventually(cluster.node(1), () -> CounterStore.of(cluster.node(1)).get("minority")).map(read -> {
            // at least what the survivor's add returned: an add that timed out during the election may land after it
            ctx.verify(() -> assertTrue(read >= v, "node-1 read " + read + " after the survivor's add returned " + v));
            return read;
          });
        })
        .compose(v -> CpTesting.eventually(cluster.node(1), () -> LockService.of(cluster.node(1)).acquire("minority-other", 0)))
        .compose(FencedLock::release)
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Order(2)
  @DisplayName("two of three lost: counter and lock operations on the node left alone are 503s within the bound, not hangs or 409s")
  void minorityRefuses(VertxTestContext ctx) {
    CpTesting.hazelcast(cluster.node(1)).getLifecycleService().terminate();
    CounterStore counters = CounterStore.of(survivor);
    LockService locks = LockService.of(survivor);
    List<Supplier<Future<?>>> operations = List.of(
        () -> counters.get("minority"),
        () -> counters.addAndGet("minority", 1),
        () -> counters.compareAndSet("minority", 8, 9),
        () -> counters.get("never-opened-before"),
        () -> locks.acquire("minority-free", 5_000),
        () -> locks.acquire("never-opened-lock", 0),
        () -> locks.release("minority-held", held.token()),
        locks::list);
    Future<Void> chain = Future.succeededFuture();
    List<Long> tookMs = new ArrayList<>();
    for (Supplier<Future<?>> op : operations) {
      chain = chain.compose(v -> {
        long start = System.nanoTime();
        return op.get().transform(ar -> {
          long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          tookMs.add(took);
          ctx.verify(() -> {
            assertTrue(Failure.is(ar.cause(), Failure.Kind.UNAVAILABLE), "expected 503, got " + (ar.succeeded() ? ar.result() : ar.cause()));
            assertTrue(took < BOUND_MS + 1500, "took " + took + " ms");
          });
          return Future.succeededFuture();
        });
      });
    }
    chain.onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      System.out.println("cp minority: refusals took " + tookMs + " ms (bound " + BOUND_MS + " ms)");
      ctx.completeNow();
    })));
  }

  @Test
  @Order(3)
  @DisplayName("200 concurrent operations on the node left alone are all refused within the bound")
  void concurrentRefusals(VertxTestContext ctx) {
    long start = System.nanoTime();
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      all.add(CounterStore.of(survivor).incrementAndGet("minority"));
      all.add(LockService.of(survivor).acquire("minority-busy", 10_000));
    }
    Future.join(all).onComplete(ar -> ctx.verify(() -> {
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      for (Future<?> f : all) {
        assertTrue(Failure.is(f.cause(), Failure.Kind.UNAVAILABLE), String.valueOf(f.cause()));
      }
      assertTrue(took < BOUND_MS + 1500, "took " + took + " ms");
      ctx.completeNow();
    }));
  }

  @Test
  @Order(4)
  @DisplayName("over HTTP the node left alone answers 503 with Retry-After and the error body")
  void minorityRefusesOverHttp(VertxTestContext ctx) {
    TestHttp.call(survivor, GET, port, "/counters/minority", null, null)
        .compose(counter -> TestHttp.call(survivor, POST, port, "/locks/minority-http", "{\"timeoutMs\": 10000}", null)
            .compose(lock -> TestHttp.call(survivor, GET, port, "/locks", null, null)
                .map(list -> List.of(counter, lock, list))))
        .onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
          for (TestHttp.Response r : responses) {
            assertEquals(503, r.status(), r.body().encode());
            assertEquals("unavailable", r.body().getString("error"));
            assertEquals("1", r.headers().get("retry-after"));
          }
          ctx.completeNow();
        })));
  }
}
