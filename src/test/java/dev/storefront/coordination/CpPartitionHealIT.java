package dev.storefront.coordination;

import dev.storefront.testing.ChildJvm;
import dev.storefront.cluster.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three member processes in mode cp; members are frozen with {@code kill -STOP} (cut off: sockets open, silent) and
 * thawed with {@code kill -CONT}. Meant to show a side without a CP majority refusing within coordination.cpTimeoutMs
 * and every member serving again after the thaw.
 *
 * <p>Not run by the build: on Hazelcast 5.3.8 a frozen member breaks the two live ones too. Its kernel still
 * accepts the connections they open to it; their outbound pipelines then busy-spin waiting for its protocol
 * handshake (an IO output thread at 100%: 18 s of CPU in 2 minutes), heartbeats between the live members stop
 * going out, and 5-25 s after the freeze they suspect each other and split into 1 + 1 + 1, so nothing has a
 * majority (seen with hazelcast.io.thread.count 1 and 3). A crashed member (connection refused) or a partition that
 * drops packets (no handshake at all) does not do this. Run it by hand with
 * {@code -Dstorefront.sigstop.it=true} to see it.
 */
@DisplayName("Mode cp across real processes cut off and healed (kill -STOP / -CONT)")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIfSystemProperty(named = "storefront.sigstop.it", matches = "true")
class CpPartitionHealIT {

  private static final String PREFIX = MemberProcess.PREFIX;
  private static final List<ChildJvm> nodes = new ArrayList<>();

  @BeforeAll
  static void startNodes() throws Exception {
    String cluster = "sf-cp-heal-" + UUID.randomUUID().toString().substring(0, 8);
    String port = String.valueOf(FreePorts.base(6));
    for (int i = 0; i < 3; i++) {
      ChildJvm node = ChildJvm.start(java.util.List.of(), MemberProcess.class, cluster, port, "cp");
      nodes.add(node);
      node.expect(PREFIX + "READY", 90_000);
    }
    for (ChildJvm node : nodes) {
      awaitServing(node, 90_000);
    }
  }

  @AfterAll
  static void stopNodes() throws Exception {
    for (ChildJvm node : nodes) {
      node.resume();
      node.close();
    }
  }

  /** The answer to {@code command}: "OK n" or "ERR message". */
  private static String ask(ChildJvm node, String command) throws Exception {
    node.send(command);
    return node.expect(PREFIX, 30_000);
  }

  /** Polls (with a deadline) until a counter add succeeds on {@code node}; returns how long it took. */
  private static long awaitServing(ChildJvm node, long timeoutMs) throws Exception {
    long start = System.currentTimeMillis();
    String answer;
    while (!(answer = ask(node, "add heal-probe 1")).startsWith("OK ")) {
      assertTrue(System.currentTimeMillis() - start < timeoutMs, "not serving after " + timeoutMs + " ms: " + answer);
      Thread.sleep(200); // polling with a deadline
    }
    return System.currentTimeMillis() - start;
  }

  private static void awaitMembers(ChildJvm node, int count) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!ask(node, "members").equals("OK " + count)) {
      assertTrue(System.currentTimeMillis() < deadline, "never saw " + count + " members");
      Thread.sleep(200); // polling membership with a deadline
    }
  }

  @Test
  @Order(1)
  @DisplayName("one member cut off: the two others keep serving; once thawed it serves again")
  void minorityOfOne() throws Exception {
    assertTrue(ask(nodes.get(0), "add heal 1").startsWith("OK "));
    nodes.get(2).pause();
    long electMs;
    try {
      electMs = awaitServing(nodes.get(0), 60_000);
      assertEquals("OK", ask(nodes.get(1), "add heal 1").substring(0, 2));
      awaitMembers(nodes.get(0), 2); // cut off past the failure detector (5 s): the cluster splits
    } finally {
      nodes.get(2).resume();
    }
    long healMs = awaitServing(nodes.get(2), 180_000);
    System.out.println("cp heal: majority served again after " + electMs + " ms; the thawed member after " + healMs + " ms");
    report();
  }

  @Test
  @Order(2)
  @DisplayName("two members cut off: the one left refuses within the bound; after the thaw all serve and agree")
  void minorityLeftAlone() throws Exception {
    nodes.get(0).pause();
    nodes.get(1).pause();
    long tookMs;
    try {
      awaitMembers(nodes.get(2), 1); // past the failure detector: member 2 is alone
      long start = System.currentTimeMillis();
      String refused = ask(nodes.get(2), "add heal 1");
      tookMs = System.currentTimeMillis() - start;
      assertTrue(refused.startsWith("ERR ") && refused.contains("CP subsystem"), refused);
      assertTrue(tookMs < 2500, "refused after " + tookMs + " ms");
    } finally {
      nodes.get(0).resume();
      nodes.get(1).resume();
    }
    long healMs = 0;
    for (ChildJvm node : nodes) {
      healMs = Math.max(healMs, awaitServing(node, 180_000));
    }
    System.out.println("cp heal: alone member refused in " + tookMs + " ms; all served again within " + healMs + " ms of the thaw");
    String value = ask(nodes.get(0), "get heal");
    assertEquals(value, ask(nodes.get(1), "get heal"));
    assertEquals(value, ask(nodes.get(2), "get heal"));
    report();
  }

  private static void report() throws Exception {
    for (int i = 0; i < nodes.size(); i++) {
      System.out.println("cp heal: member " + i + " members=" + ask(nodes.get(i), "members") + " cpmembers="
          + ask(nodes.get(i), "cpmembers") + " localcp=" + ask(nodes.get(i), "localcp"));
    }
  }
}
