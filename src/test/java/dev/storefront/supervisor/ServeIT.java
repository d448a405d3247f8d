package dev.storefront.supervisor;

import dev.storefront.bench.StorefrontProcess;
import dev.storefront.cluster.FreePorts;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.testing.Await;
import dev.storefront.testing.FatJar;
import dev.storefront.testing.Http;
import dev.storefront.testing.TestCluster;
import dev.storefront.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code serve --processes 2} as users run it: real node JVMs sharing one port, one Hazelcast cluster. One fleet
 * for the whole class; the SIGTERM test runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Tag("database")
class ServeIT {

  private static final int DRAIN_MS = 5000;
  private static StorefrontProcess serve;
  private static Http http;
  private static DatabaseUrl db;

  @BeforeAll
  static void start() throws Exception {
    db = TestDatabase.withSampleData("sf_serve_it");
    int port = FreePorts.any();
    List<String> args = new ArrayList<>(List.of("serve", "--processes", "2", "--event-loops", "1", "--port", String.valueOf(port),
        "--db-url", db.uri(), "--set", "node.drainTimeoutMs=" + DRAIN_MS, "--set", "stats.flushIntervalMs=500"));
    args.addAll(TestCluster.isolated("serve-it-" + port, 16100));
    serve = StorefrontProcess.start(FatJar.path(), args, port);
    http = new Http(port);
    assertTrue(serve.awaitLine("Storefront ready", Duration.ofSeconds(90)), serve.output());
  }

  @Test
  @Order(0)
  @DisplayName("a node names the cluster it joined and its members, so joining another serve's cluster shows")
  void membersLogged() {
    // each node lists the members after publishing its own card, so the node that lists last names both
    String cluster = "cluster 'serve-it-" + serve.port() + "' has 2 member(s): node-1 (pid ";
    assertTrue(serve.awaitLine(cluster, Duration.ofSeconds(30)), serve.output());
    assertTrue(Pattern.compile(Pattern.quote(cluster)
        + "\\d+, 127\\.0\\.0\\.1:" + serve.port() + "\\), node-2 \\(pid \\d+, 127\\.0\\.0\\.1:" + serve.port() + "\\)")
        .matcher(serve.output()).find(), serve.output());
  }

  @AfterAll
  static void stop() throws Exception {
    if (serve != null) {
      serve.close();
    }
  }

  @Test
  @Order(0)
  @DisplayName("after N requests spread over the nodes and one flush interval, /stats totals exactly N (the sum of its nodes)")
  void statsExact() throws Exception {
    int n = 300;
    Set<String> nodes = new HashSet<>();
    for (int i = 0; i < n; i++) {
      nodes.add(http.nodeOfNewConnection("/products/" + (1 + i % 1000)));
    }
    assertEquals(2, nodes.size(), "requests reached both nodes");
    assertTrue(Await.eventually(Duration.ofSeconds(10), () -> Http.json(http.get("/stats")).getLong("total") == n),
        "total " + Http.json(http.get("/stats")).encode());
    Thread.sleep(1200); // an observation window, not a wait for an event: in two flush intervals of 500 ms nothing may be counted twice
    JsonObject stats = Http.json(http.get("/stats"));
    assertEquals(n, stats.getLong("total"), stats.encode());
    long sum = stats.getJsonObject("nodes").stream().mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
    assertEquals(n, sum, stats.encode());
  }

  @Test
  @Order(1)
  @DisplayName("both nodes answer on the same port: new connections reach different X-Storefront-Node values")
  void bothNodesServeOnePort() throws Exception {
    Set<String> nodes = new HashSet<>();
    for (int i = 0; i < 200 && nodes.size() < 2; i++) {
      nodes.add(http.nodeOfNewConnection("/health/live"));
    }
    assertEquals(2, nodes.size(), "seen: " + nodes);
    assertTrue(serve.output().contains("transport epoll"), serve.output());
  }

  @Test
  @Order(2)
  @DisplayName("GET /cluster lists the 2 members on each node")
  void clusterOnEachNode() throws Exception {
    Set<String> answeredBy = new HashSet<>();
    for (int i = 0; i < 200 && answeredBy.size() < 2; i++) {
      JsonObject c = clusterOfNewConnection();
      assertEquals(2, c.getInteger("size"), c.encode());
      JsonArray members = c.getJsonArray("members");
      assertEquals(Set.of("node-1", "node-2"), Set.of(members.getJsonObject(0).getString("name"), members.getJsonObject(1).getString("name")));
      answeredBy.add(c.getString("answeredBy"));
    }
    assertEquals(2, answeredBy.size());
  }

  @Test
  @Order(3)
  @DisplayName("kill -9 of one node: the other keeps answering, the supervisor restarts it, /cluster shows 2 members within 30 s")
  void restartsKilledNode() throws Exception {
    List<Long> before = serve.nodePids();
    assertEquals(2, before.size(), serve.output());
    long victim = before.get(1);
    ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly); // kill -9
    // kill(1) returns when the signal is sent; connections made before the kernel has closed the dying process's
    // listening socket are reset. From its death on, every new connection must reach the surviving node.
    assertTrue(Await.eventually(Duration.ofSeconds(5), () -> ProcessHandle.of(victim).map(h -> !h.isAlive()).orElse(true)));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int answered = 0;
    boolean back = false;
    while (System.nanoTime() < deadline && !back) {
      String node;
      try {
        node = http.nodeOfNewConnection("/products/100");
      } catch (Exception firstTry) {
        // a connection queued on the dying process's socket at the moment of the kill is reset: one retry
        node = http.nodeOfNewConnection("/products/100");
      }
      answered++;
      assertFalse(node.contains("pid " + victim + ")"), "the killed node answered");
      JsonObject c = clusterOfNewConnection();
      back = c.getInteger("size") == 2 && c.getJsonArray("members").stream()
          .map(o -> ((JsonObject) o).getLong("pid", -1L)).allMatch(pid -> pid > 0 && pid != victim);
    }
    assertTrue(back, "2 members again within 30 s; output:\n" + serve.output());
    assertTrue(answered > 0);
    List<Long> after = serve.nodePids();
    assertNotEquals(before, after);
  }

  @Test
  @Order(9)
  @DisplayName("SIGTERM to the supervisor: every node exits and the port is free within the drain timeout")
  void sigtermDrains() throws Exception {
    List<ProcessHandle> nodes = new ArrayList<>();
    for (long pid : serve.nodePids()) {
      ProcessHandle.of(pid).ifPresent(nodes::add);
    }
    assertEquals(2, nodes.size());
    serve.sigterm();
    assertTrue(serve.awaitExit(Duration.ofMillis(DRAIN_MS + 5000)), serve.output());
    assertEquals(0, serve.process().exitValue());
    for (ProcessHandle h : nodes) {
      assertTrue(Await.eventually(Duration.ofSeconds(2), () -> !h.isAlive()), "node " + h.pid() + " still alive");
    }
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new java.net.InetSocketAddress("127.0.0.1", serve.port()));
    }
    assertTrue(serve.output().contains("drained and left the cluster"), serve.output());
  }

  private static JsonObject clusterOfNewConnection() throws Exception {
    Http.Reply r = http.getOnNewConnection("/cluster");
    assertEquals(200, r.status(), r.body());
    return new JsonObject(r.body());
  }
}
