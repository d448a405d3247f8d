package dev.storefront.coordination;

import dev.storefront.config.Settings;
import dev.storefront.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("Coordination on a node running alone (Vert.x not clustered)")
class StandaloneTest {

  @Test
  @DisplayName("locks exclude, tokens grow, a stale token is refused, counters and stats count, all without a cluster")
  void worksWithoutCluster(Vertx vertx, VertxTestContext ctx) {
    ApLocks locks = ApLocks.of(vertx);
    Coordination.deploy(vertx, Settings.defaults().with("stats.flushIntervalMs", 50), "solo")
        .compose(v -> locks.acquire("solo", 0))
        .compose(first -> locks.acquire("solo", 50).transform(busy -> {
          ctx.verify(() -> assertTrue(Failure.is(busy.cause(), Failure.Kind.CONFLICT)));
          return first.release();
        }).compose(v -> locks.release("solo", first.token()).transform(stale -> {
          ctx.verify(() -> assertTrue(stale.failed()));
          return locks.acquire("solo", 0);
        })).compose(second -> {
          ctx.verify(() -> assertTrue(second.token() > first.token()));
          return locks.list().compose(list -> {
            ctx.verify(() -> assertEquals(second.token(), list.getJsonObject(0).getLong("token")));
            return second.release();
          });
        }))
        .compose(v -> {
          RequestStats.of(vertx).increment();
          RequestStats.of(vertx).increment();
          return statsTotal(vertx, 2, System.currentTimeMillis() + 10_000);
        })
        .onComplete(ctx.succeeding(stats -> ctx.verify(() -> {
          assertEquals(2, stats.getLong("total"));
          assertEquals(2, stats.getJsonObject("nodes").getLong("solo"));
          ctx.completeNow();
        })));
  }

  private static Future<JsonObject> statsTotal(Vertx vertx, long expected, long deadlineMs) {
    return StatsRoutes.read(vertx).compose(s -> s.getLong("total") == expected || System.currentTimeMillis() > deadlineMs
        ? Future.succeededFuture(s) : vertx.timer(20).compose(v -> statsTotal(vertx, expected, deadlineMs)));
  }
}
