package dev.storefront.coordination;

import dev.storefront.testing.TestCluster;
import com.hazelcast.cp.CPMember;
import com.hazelcast.cp.internal.RaftService;
import com.hazelcast.cp.internal.raft.impl.RaftNode;
import com.hazelcast.cp.internal.raft.impl.RaftNodeStatus;
import com.hazelcast.instance.impl.HazelcastInstanceImpl;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
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

import java.util.UUID;
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

  /**
   * Whether {@code node} is a working member of CP group {@code group}: both node 0 (an old member) and it have
   * committed its membership, and its own Raft node is active and knows the leader (Hazelcast internals: a test only).
   */
  private static Future<Boolean> takesPart(String group, int node) {
    Vertx survivor = cluster.node(0);
    UUID uuid = local(node).getUuid();
    return Future.fromCompletionStage(CpTesting.hazelcast(survivor).getCPSubsystem().getCPSubsystemManagementService()
        .getCPGroup(group), survivor.getOrCreateContext()).map(g -> {
          RaftNode old = raft(0).getRaftNode(g.id());
          RaftNode mine = raft(node).getRaftNode(g.id());
          return old != null && mine != null && mine.getStatus() == RaftNodeStatus.ACTIVE && mine.getLeader() != null
              && old.getCommittedMembers().stream().anyMatch(e -> e.getUuid().equals(uuid))
              && mine.getCommittedMembers().stream().anyMatch(e -> e.getUuid().equals(uuid));
        }).otherwise(false);
  }

  private static RaftService raft(int node) {
    HazelcastInstanceImpl hz = ((HazelcastInstanceProxy) CpTesting.hazelcast(cluster.node(node))).getOriginal();
    return hz.node.getNodeEngine().getService(RaftService.SERVICE_NAME);
  }

  @Test
  @Timeout(value = 300, timeUnit = TimeUnit.SECONDS)
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
        // a promoted member joins the CP groups that lack one a little later: wait until it takes part in
        // METADATA and default (a second crash before that takes the majority of a group with it)
        .compose(v -> CpTesting.until(survivor, () -> takesPart("METADATA", 3), in -> in, 60_000))
        .compose(v -> CpTesting.until(survivor, () -> takesPart("default", 3), in -> in, 60_000))
        .compose(v -> {
          CpTesting.hazelcast(cluster.node(1)).getLifecycleService().terminate();
          // nodes 0 and 3 are 2 of the 3 CP members now: a majority
          return CpTesting.eventually(cluster.node(3), () -> CounterStore.of(cluster.node(3)).addAndGet("after-promotion", 1), 90_000);
        })
        .compose(v -> CpTesting.eventually(survivor, () -> LockService.of(survivor).acquire("after-promotion", 0), 90_000))
        .compose(lock -> CounterStore.of(survivor).get("after-promotion"))
        .onComplete(ctx.succeeding(value -> ctx.verify(() -> {
          assertTrue(value >= 1, "value " + value); // 1, or more if an add refused during an election was applied
          ctx.completeNow();
        })));
  }
}
