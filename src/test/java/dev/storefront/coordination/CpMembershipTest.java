package dev.storefront.coordination;

import dev.storefront.testing.TestCluster;
import com.hazelcast.cp.CPMember;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import io.vertx.junit5.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node that is not a CP member promotes itself when a CP member is gone for good (removed from the CP subsystem),
 * so the groups are back at 3 and survive the loss of one more original member.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Mode cp keeps coordination.cpMembers CP members")
class CpMembershipTest {

  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = CpTesting.cpCluster("sf-cp-members", 4, s -> s);
  }

  @AfterAll
  static void stop() {
    for (Vertx node : cluster.nodes) {
      if (CpTesting.hazelcast(node).getLifecycleService().isRunning()) {
        CpTesting.hazelcast(node).getLifecycleService().terminate();
      }
      try {
        node.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        // its Hazelcast is gone already
      }
    }
  }

  private static CPMember local(int node) {
    return CpTesting.hazelcast(cluster.node(node)).getCPSubsystem().getLocalCPMember();
  }

  private static Future<Boolean> inGroup(String group, CPMember member) {
    Vertx survivor = cluster.node(0);
    return Future.fromCompletionStage(CpTesting.hazelcast(survivor).getCPSubsystem().getCPSubsystemManagementService()
        .getCPGroup(group), survivor.getOrCreateContext()).map(g -> g != null && g.members().contains(member))
        .otherwise(false);
  }

  @Test
  @Timeout(value = 150, timeUnit = TimeUnit.SECONDS)
  @DisplayName("one CP member crashes and is removed: the fourth node becomes a CP member, and a second crash leaves a majority")
  void promotesReplacement(VertxTestContext ctx) {
    ctx.verify(() -> assertNull(local(3), "the fourth node joined after the CP subsystem formed"));
    CPMember lost = local(2);
    assertNotNull(lost);
    CpTesting.hazelcast(cluster.node(2)).getLifecycleService().terminate();
    Vertx survivor = cluster.node(0);
    // what missing-cp-member-auto-removal-seconds does after 120 s, done at once
    CpTesting.eventually(survivor, () -> Future.fromCompletionStage(CpTesting.hazelcast(survivor).getCPSubsystem()
            .getCPSubsystemManagementService().removeCPMember(lost.getUuid()), survivor.getOrCreateContext())
            .recover(err -> Future.failedFuture(dev.storefront.failure.Failure.unavailable(err.toString(), 1))))
        .compose(v -> CpTesting.until(survivor, () -> Future.succeededFuture(local(3) != null), promoted -> promoted, 60_000))
        // a promoted member joins the CP groups that lack one shortly after: wait for METADATA and default
        .compose(v -> CpTesting.until(survivor, () -> inGroup("METADATA", local(3)), in -> in, 60_000))
        .compose(v -> CpTesting.until(survivor, () -> inGroup("default", local(3)), in -> in, 60_000))
        .compose(v -> {
          CpTesting.hazelcast(cluster.node(1)).getLifecycleService().terminate();
          // nodes 0 and 3 are 2 of the 3 CP members now: a majority
          return CpTesting.eventually(cluster.node(3), () -> CounterStore.of(cluster.node(3)).addAndGet("after-promotion", 1));
        })
        .compose(v -> CpTesting.eventually(survivor, () -> LockService.of(survivor).acquire("after-promotion", 0)))
        .compose(lock -> CounterStore.of(survivor).get("after-promotion"))
        .onComplete(ctx.succeeding(value -> ctx.verify(() -> {
          assertTrue(value >= 1, "value " + value); // 1, or more if an add refused during an election was applied
          ctx.completeNow();
        })));
  }
}
