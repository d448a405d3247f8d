package dev.storefront.coordination;

import dev.storefront.testing.Await;
import dev.storefront.testing.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(VertxExtension.class)
@DisplayName("Request statistics flushed to clustered counters")
class StatsTest {

  private static TestCluster cluster;
  private static Vertx fast;
  private static Vertx slow;
  private static String slowDeployment;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start("sf-coord-stats", 2);
    fast = cluster.node(0);
    slow = cluster.node(1);
    await(fast.deployVerticle(new StatsVerticle("fast-node", 100)));
    // Flushes only on stop within the test's time.
    slowDeployment = await(slow.deployVerticle(new StatsVerticle("slow-node", 60_000)));
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  /** Counts {@code n} requests from 4 threads at once, as several event loops would. */
  private static void countFromThreads(Vertx node, int n) {
    RequestStats stats = RequestStats.of(node);
    List<CompletableFuture<Void>> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int share = n / 4 + (t < n % 4 ? 1 : 0);
      threads.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < share; i++) {
          stats.increment();
        }
      }));
    }
    CompletableFuture.allOf(threads.toArray(new CompletableFuture[0])).join();
  }

  private static Future<JsonObject> readUntil(Predicate<JsonObject> done, long deadlineMs) {
    return StatsRoutes.read(fast).compose(s -> done.test(s) || System.currentTimeMillis() > deadlineMs
        ? Future.succeededFuture(s)
        : fast.timer(20).compose(v -> readUntil(done, deadlineMs)));
  }

  @Test
  @DisplayName("N requests counted on a node appear exactly once in its counter and the total after a flush")
  void flushIsExact(VertxTestContext ctx) {
    int n = 1001;
    StatsRoutes.read(fast).compose(before -> {
      long base = before.getLong("total");
      long baseNode = before.getJsonObject("nodes").getLong("fast-node");
      countFromThreads(fast, n);
      return readUntil(s -> s.getLong("total") >= base + n, System.currentTimeMillis() + 10_000)
          // three more intervals: nothing is counted twice
          .compose(s -> fast.timer(300).compose(v -> StatsRoutes.read(fast)))
          .map(after -> {
            ctx.verify(() -> {
              assertEquals(base + n, after.getLong("total"));
              assertEquals(baseNode + n, after.getJsonObject("nodes").getLong("fast-node"));
            });
            return after;
          });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a stopping node flushes what it counted since its last flush")
  void flushOnStop(VertxTestContext ctx) {
    int n = 250;
    StatsRoutes.read(fast).compose(before -> {
      long base = before.getLong("total");
      countFromThreads(slow, n);
      return slow.undeploy(slowDeployment).compose(v -> StatsRoutes.read(fast)).map(after -> {
        ctx.verify(() -> {
          assertEquals(base + n, after.getLong("total"));
          assertEquals(n, after.getJsonObject("nodes").getLong("slow-node"));
        });
        return after;
      });
    }).onComplete(ctx.succeedingThenComplete());
  }
}
