package dev.storefront.coordination;

import dev.storefront.cluster.FreePorts;
import dev.storefront.testing.Await;
import dev.storefront.testing.ChildJvm;
import dev.storefront.testing.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three real member processes in one cluster; each test kills one of them with kill -9. */
@DisplayName("Counters and locks when a node process is killed with kill -9")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CoordinationFailoverIT {

  private static final String OK = MemberProcess.PREFIX + "OK ";
  private static final List<ChildJvm> nodes = new ArrayList<>();

  @BeforeAll
  static void startNodes() throws Exception {
    String cluster = "sf-coord-failover-" + UUID.randomUUID().toString().substring(0, 8);
    String port = String.valueOf(FreePorts.base(6));
    // the three JVMs start at once (they join one another as they come up) rather than one after another
    for (int i = 0; i < 3; i++) {
      nodes.add(ChildJvm.start(List.of("-Xmx160m", "-XX:+UseSerialGC", TestCluster.QUICK_START), MemberProcess.class, cluster, port));
    }
    for (ChildJvm node : nodes) {
      node.expect(MemberProcess.PREFIX + "READY", 90_000);
    }
    awaitMembers(nodes.get(0), 3);
  }

  @AfterAll
  static void stopNodes() throws Exception {
    for (ChildJvm node : nodes) {
      node.close();
    }
  }

  private static long ask(ChildJvm node, String command, long timeoutMs) throws Exception {
    node.send(command);
    String answer = node.expect(MemberProcess.PREFIX, timeoutMs);
    assertTrue(answer.startsWith("OK "), command + " -> " + answer);
    return Long.parseLong(answer.substring(3));
  }

  /** Asks the node for its member count until it is {@code count}: membership is polled, the child reports no changes. */
  private static void awaitMembers(ChildJvm node, int count) {
    assertTrue(Await.eventually(Duration.ofSeconds(30), () -> {
      try {
        return ask(node, "members", 10_000) == count;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }), "cluster never reached " + count + " members");
  }

  @Test
  @Order(1)
  @DisplayName("20 counters spread over the partitions keep their values when one of three nodes is killed")
  void countersSurviveKill() throws Exception {
    for (int i = 0; i < 20; i++) {
      assertEquals(i * 1000L + 7, ask(nodes.get(0), "add survivor-" + i + " " + (i * 1000 + 7), 10_000));
    }
    nodes.get(2).kill();
    awaitMembers(nodes.get(1), 2);
    for (int i = 0; i < 20; i++) {
      assertEquals(i * 1000L + 7, ask(nodes.get(1), "get survivor-" + i, 10_000), "counter survivor-" + i);
    }
  }

  @Test
  @Order(2)
  @DisplayName("a lock held by a killed node is acquired by another node within 15 s, with a larger token")
  void lockFreedWhenHolderKilled() throws Exception {
    long token = ask(nodes.get(0), "lock orders 1000", 10_000);
    nodes.get(1).send("lock orders 0");
    assertTrue(nodes.get(1).expect(MemberProcess.PREFIX, 10_000).startsWith("ERR "), "lock must be busy while held");
    long killedAt = System.nanoTime();
    nodes.get(0).kill();
    long next = ask(nodes.get(1), "lock orders 15000", 20_000);
    long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
    assertTrue(tookMs < 15_000, "took " + tookMs + " ms");
    assertTrue(next > token, "token " + next + " after " + token);
    System.out.println("lock failover after kill -9 took " + tookMs + " ms");
  }
}
