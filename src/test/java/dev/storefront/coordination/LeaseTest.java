package dev.storefront.coordination;

import dev.storefront.testing.TestHttp;
import dev.storefront.config.Settings;
import dev.storefront.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lock leases in coordination mode ap (the holding node's timer), on a node running alone. */
@ExtendWith(VertxExtension.class)
@DisplayName("Lock leases in mode ap")
class LeaseTest {

  private static Settings settings() {
    return Settings.defaults().with("coordination.lockLeaseDefaultMs", 5000).with("coordination.lockLeaseMaxMs", 10000);
  }

  @Test
  @DisplayName("when the lease runs out the lock is free, the next holder's token is larger, the old token's release is a 409")
  void leaseExpiry(Vertx vertx, VertxTestContext ctx) {
    Coordination.deploy(vertx, settings(), "lease-ap").compose(v -> {
      LockService locks = LockService.of(vertx);
      ctx.verify(() -> assertEquals("ap", locks.mode()));
      return locks.acquire("ap-lease", 0, 300).compose(first -> {
        ctx.verify(() -> assertEquals(300, first.leaseExpiresAtMillis() - first.acquiredAtMillis()));
        long start = System.currentTimeMillis();
        return CpTesting.until(vertx, () -> locks.acquire("ap-lease", 0).map(l -> l)
                .recover(err -> Failure.is(err, Failure.Kind.CONFLICT) ? Future.succeededFuture(null) : Future.failedFuture(err)),
            lock -> lock != null, 10_000).compose(second -> {
              long tookMs = System.currentTimeMillis() - start;
              ctx.verify(() -> {
                assertTrue(second.token() > first.token());
                assertTrue(tookMs >= 250, "free after " + tookMs + " ms");
                assertEquals(5000, second.leaseExpiresAtMillis() - second.acquiredAtMillis());
              });
              return first.release().transform(ar -> {
                ctx.verify(() -> assertTrue(Failure.is(ar.cause(), Failure.Kind.CONFLICT), String.valueOf(ar.cause())));
                return second.release();
              });
            });
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a lease above coordination.lockLeaseMaxMs is invalid; over HTTP a 400 that takes nothing; the answer carries the expiry")
  void leaseBounds(Vertx vertx, VertxTestContext ctx) {
    Coordination.deploy(vertx, settings(), "lease-http")
        .compose(v -> {
          ctx.verify(() -> assertEquals(Failure.Kind.INVALID,
              assertThrows(Failure.class, () -> LockService.of(vertx).acquire("x", 0, 10_001)).kind()));
          return TestHttp.serve(vertx, dev.storefront.config.Settings.defaults(), r -> AdminRoutes.mount(r, vertx, settings()));
        })
        .compose(port -> TestHttp.call(vertx, POST, port, "/locks/ap-http", "{\"leaseMs\": 10001}", null)
            .compose(tooLong -> {
              ctx.verify(() -> assertEquals(400, tooLong.status(), tooLong.body().encode()));
              return TestHttp.call(vertx, POST, port, "/locks/ap-http", "{\"leaseMs\": 0}", null);
            })
            .compose(zero -> {
              ctx.verify(() -> assertEquals(400, zero.status()));
              return TestHttp.call(vertx, GET, port, "/locks", null, null);
            })
            .compose(none -> {
              ctx.verify(() -> assertEquals(0, none.body().getJsonArray("locks").size()));
              return TestHttp.call(vertx, POST, port, "/locks/ap-http", "{\"leaseMs\": 2000, \"timeoutMs\": 0}", null);
            })
            .compose(taken -> {
              ctx.verify(() -> {
                assertEquals(200, taken.status(), taken.body().encode());
                assertEquals(2000, taken.body().getLong("leaseMs"));
                assertEquals(taken.body().getLong("acquiredAt") + 2000, taken.body().getLong("leaseExpiresAt"));
              });
              return TestHttp.call(vertx, GET, port, "/locks", null, null).map(list -> {
                ctx.verify(() -> {
                  assertEquals("ap", list.body().getString("mode"));
                  assertEquals(taken.body().getLong("leaseExpiresAt"), list.body().getJsonArray("locks").getJsonObject(0).getLong("leaseExpiresAt"));
                });
                return list;
              });
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("coordination.lockLeaseDefaultMs above coordination.lockLeaseMaxMs stops start-up")
  void defaultAboveMax(Vertx vertx, VertxTestContext ctx) {
    Coordination.deploy(vertx, Settings.defaults().with("coordination.lockLeaseDefaultMs", 20000).with("coordination.lockLeaseMaxMs", 10000), "bad")
        .onComplete(ar -> ctx.verify(() -> {
          assertTrue(ar.failed() && ar.cause().getMessage().contains("coordination.lockLeaseDefaultMs"), String.valueOf(ar.cause()));
          ctx.completeNow();
        }));
  }

  @Test
  @DisplayName("mode cp on a node that is not clustered stops start-up with a message naming coordination.mode")
  void cpNeedsCluster(Vertx vertx, VertxTestContext ctx) {
    Coordination.deploy(vertx, Settings.defaults().with("coordination.mode", "cp"), "alone")
        .onComplete(ar -> ctx.verify(() -> {
          assertTrue(ar.failed() && ar.cause().getMessage().contains("coordination.mode"), String.valueOf(ar.cause()));
          ctx.completeNow();
        }));
  }

  @Test
  @DisplayName("the Hazelcast config has the CP subsystem only in mode cp, with coordination.cpMembers and the XML's session figures")
  void hazelcastConfig() {
    var ap = dev.storefront.cluster.Cluster.hazelcastConfig(Settings.defaults()).getCPSubsystemConfig();
    assertEquals(0, ap.getCPMemberCount());
    var cp = dev.storefront.cluster.Cluster.hazelcastConfig(Settings.defaults().with("coordination.mode", "cp")
        .with("coordination.cpMembers", 5)).getCPSubsystemConfig();
    assertEquals(5, cp.getCPMemberCount());
    assertEquals(5, cp.getGroupSize());
    assertEquals(10, cp.getSessionTimeToLiveSeconds());
    assertEquals(2, cp.getSessionHeartbeatIntervalSeconds());
    assertEquals(120, cp.getMissingCPMemberAutoRemovalSeconds());
    assertEquals(1000, cp.getRaftAlgorithmConfig().getLeaderHeartbeatPeriodInMillis());
  }
}
