package dev.storefront.coordination;

import dev.storefront.testing.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("Clustered counters")
class CountersTest {

  private static final int NODES = 3;
  private static final int INCREMENTS = 400;
  private static TestCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = TestCluster.start("sf-coord-counters", NODES);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    cluster.close();
  }

  @Test
  @DisplayName("3 nodes each firing 400 concurrent increments make exactly 1200, each value handed out once")
  void concurrentIncrementsAreExact(VertxTestContext ctx) {
    List<Future<Long>> all = new ArrayList<>();
    for (Vertx node : cluster.nodes) {
      ApCounters counters = ApCounters.of(node);
      for (int i = 0; i < INCREMENTS; i++) {
        all.add(counters.incrementAndGet("hits"));
      }
    }
    Future.all(all).compose(done -> ApCounters.of(cluster.node(0)).get("hits")).onComplete(ctx.succeeding(total -> ctx.verify(() -> {
      assertEquals(NODES * INCREMENTS, total);
      Set<Long> seen = new HashSet<>();
      all.forEach(f -> seen.add(f.result()));
      assertEquals(LongStream.rangeClosed(1, NODES * INCREMENTS).boxed().collect(java.util.stream.Collectors.toSet()), seen);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("compare-and-set changes the value only when it holds the expected one, seen from every node")
  void compareAndSet(VertxTestContext ctx) {
    ApCounters a = ApCounters.of(cluster.node(0));
    ApCounters b = ApCounters.of(cluster.node(1));
    a.addAndGet("cas", 5)
        .compose(v -> b.compareAndSet("cas", 4, 100))
        .compose(set -> {
          ctx.verify(() -> assertFalse(set));
          return a.get("cas");
        })
        .compose(v -> {
          ctx.verify(() -> assertEquals(5, v));
          return b.compareAndSet("cas", 5, 100);
        })
        .compose(set -> {
          ctx.verify(() -> assertTrue(set));
          return ApCounters.of(cluster.node(2)).get("cas");
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(100, v);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("add-and-get with a negative delta subtracts and returns the new value")
  void negativeDelta(VertxTestContext ctx) {
    ApCounters a = ApCounters.of(cluster.node(0));
    a.addAndGet("down", 10).compose(v -> ApCounters.of(cluster.node(1)).addAndGet("down", -3))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(7, v);
          ctx.completeNow();
        })));
  }
}
