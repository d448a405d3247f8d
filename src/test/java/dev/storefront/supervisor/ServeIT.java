package dev.storefront.supervisor;

import dev.storefront.bench.StorefrontProcess;
import dev.storefront.cluster.FreePorts;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.testing.Await;
import dev.storefront.testing.FatJar;
import dev.storefront.testing.SteadyLoad;
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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
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
  private static final int CLIENTS = 8;
  private static final String SECRET = "Pw-" + UUID.randomUUID().toString().substring(0, 12);
  private static CompletableFuture<String> followerEnd;
  private static final Pattern PID = Pattern.compile("\\(pid (\\d+)\\)");
  private static StorefrontProcess serve;
  private static Http http;
  private static DatabaseUrl db;

  @BeforeAll
  static void start() throws Exception {
    DatabaseUrl plain = TestDatabase.withSampleData("sf_serve_it");
    // a password the test PostgreSQL does not check (it trusts local connections), to see where it shows
    db = new DatabaseUrl(plain.host(), plain.port(), plain.database(), plain.user(), SECRET);
    int port = FreePorts.any();
    List<String> args = new ArrayList<>(List.of("serve", "--processes", "2", "--event-loops", "1", "--port", String.valueOf(port),
        "--db-url", db.uri(), "--set", "node.drainTimeoutMs=" + DRAIN_MS, "--set", "stats.flushIntervalMs=500"));
    args.addAll(TestCluster.isolated("serve-it-" + port, 16100));
    args.addAll(TestCluster.quickStartNodes());
    serve = StorefrontProcess.start(FatJar.path(), args, port);
    http = new Http(port);
    assertTrue(serve.awaitLine("Storefront ready", Duration.ofSeconds(90)), serve.output());
  }

  @Test
  @Order(0)
  @DisplayName("the database password given to serve (through the launcher) is in no command line of serve or its nodes, "
      + "nor in the output; the settings file handed to the nodes is their owner's alone")
  void passwordHidden() throws Exception {
    List<ProcessHandle> all = new ArrayList<>(List.of(serve.process().toHandle()));
    all.addAll(serve.process().descendants().toList());
    assertTrue(all.size() >= 3, "serve and its 2 nodes: " + all);
    int configs = 0;
    for (ProcessHandle p : all) {
      String cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")),
          StandardCharsets.UTF_8).replace('\0', ' ');
      assertFalse(cmdline.contains(SECRET), "pid " + p.pid() + ": " + cmdline);
      List<String> words = List.of(cmdline.split(" "));
      int config = words.indexOf("--config");
      if (config >= 0) {
        configs++;
        Path file = Path.of(words.get(config + 1));
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
            Files.getPosixFilePermissions(file), "the settings file handed to the node: " + file);
      }
    }
    assertEquals(2, configs, "each node reads its settings from the file");
    assertTrue(serve.output().contains(db.display()), "the ready line names the database, masked:\n" + serve.output());
    assertFalse(serve.output().contains(SECRET), serve.output());
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
  @DisplayName("kill -9 of one node under steady load: only requests on connections to it, or on new connections opened before it was gone, fail; "
      + "the other keeps serving; serve restarts it and /cluster shows 2 members within 60 s")
  void killUnderLoad() throws Exception {
    List<Long> before = serve.nodePids();
    assertEquals(2, before.size(), serve.output());
    SteadyLoad load = SteadyLoad.start("127.0.0.1", serve.port(), CLIENTS, 10, 10_000,
        i -> "/products/" + (1 + i * 7 % 1000));
    List<SteadyLoad.Outcome> outcomes;
    long victim;
    long killedAt;
    long goneAt;
    double backSeconds;
    try {
      assertTrue(Await.eventually(Duration.ofSeconds(30), () -> load.answered() >= 300), "the load never got going");
      // the victim: the node behind the connection that answered last
      List<SteadyLoad.Outcome> sofar = load.outcomes();
      victim = pid(sofar.get(sofar.size() - 1).node());
      killedAt = System.nanoTime();
      ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly); // kill -9
      assertTrue(Await.eventually(Duration.ofSeconds(5), () -> ProcessHandle.of(victim).map(h -> !h.isAlive()).orElse(true)));
      goneAt = System.nanoTime();
      awaitTwoMembersWithout(victim);
      backSeconds = (System.nanoTime() - killedAt) / 1e9;
      long answered = load.answered();
      assertTrue(Await.eventually(Duration.ofSeconds(10), () -> load.answered() >= answered + 200), "the load stalled after the restart");
    } finally {
      outcomes = load.stop();
    }
    List<SteadyLoad.Outcome> failed = outcomes.stream().filter(o -> !o.ok()).toList();
    long onVictim = 0;
    long opening = 0;
    for (SteadyLoad.Outcome f : failed) {
      assertTrue(f.endNanos() >= killedAt, "a request failed before the kill: " + f);
      boolean toVictim = f.connectionNode() != null && pid(f.connectionNode()) == victim;
      boolean openedWhileDying = f.newConnection() && f.startNanos() < goneAt;
      assertTrue(toVictim || openedWhileDying, "only requests to the killed node may fail, got " + f);
      onVictim += toVictim ? 1 : 0;
      opening += toVictim ? 0 : 1;
    }
    for (SteadyLoad.Outcome o : outcomes) {
      if (o.ok() && o.startNanos() > goneAt) {
        assertNotEquals(victim, pid(o.node()), "the killed node answered after it was gone: " + o);
      }
    }
    // each client had one request in flight: at most one fails on its connection to the victim, plus its reconnects
    // that the dying process's listening socket took in before it was gone
    assertTrue(onVictim <= CLIENTS, onVictim + " failures on connections to the killed node: " + failed);
    assertTrue(failed.size() <= 3L * CLIENTS, failed.size() + " failures: " + failed);
    assertNotEquals(before, serve.nodePids());
    System.out.printf("kill -9 under load (%d clients): %d requests, %d failed (%.3f %%): %d in flight on connections to the "
            + "killed node, %d on new connections before it was gone; back to 2 members %.1f s after the kill%n",
        CLIENTS, outcomes.size(), failed.size(), 100.0 * failed.size() / outcomes.size(), onVictim, opening, backSeconds);
  }

  @Test
  @Order(4)
  @DisplayName("kill -9 of the node coordinating a running job: GET /jobs/{id} on any node reads failed, with the reason, within 20 s; never succeeded or running after that")
  void coordinatorKilled() throws Exception {
    // every feedback row in partitions of 5 rows: some 40,000 tasks, still running when the coordinator is killed
    HttpResponse<String> submitted = http.send("POST", "/jobs", "{\"source\": {\"type\": \"feedback\"}, \"partitionRows\": 5}");
    assertEquals(202, submitted.statusCode(), submitted.body());
    long id = Http.json(submitted).getLong("id");
    long coordinator = pid(submitted.headers().firstValue("x-storefront-node").orElseThrow());
    assertTrue(Await.eventually(Duration.ofSeconds(30), () -> {
      JsonObject s;
      try {
        s = jobOnNewConnection(id);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      assertTrue(Set.of("pending", "running").contains(s.getString("state")), s.encode());
      return s.getInteger("done", 0) > 0;
    }), "the job never made progress");
    // a follower of the job's server-sent events on the other node: its stream must end with the failure
    Socket follower = null;
    for (int i = 0; i < 100 && follower == null; i++) {
      Socket s = new Socket("127.0.0.1", serve.port());
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("GET /jobs/" + id + "/events HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String head = "";
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        head += line + "\n";
      }
      if (head.contains("pid " + coordinator + ")")) {
        s.close();
      } else {
        follower = s;
        CompletableFuture<String> end = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
          try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
              if (line.contains("\"failed\"") || line.contains("\"succeeded\"")) {
                end.complete(line);
                return;
              }
            }
            end.complete("(stream ended without an end state)");
          } catch (IOException e) {
            end.complete("(stream failed: " + e + ")");
          }
        }, "sse-follower");
        reader.setDaemon(true);
        reader.start();
        followerEnd = end;
      }
    }
    assertTrue(follower != null, "no connection reached the node that is not coordinating");
    long killedAt = System.nanoTime();
    ProcessHandle.of(coordinator).ifPresent(ProcessHandle::destroyForcibly); // kill -9
    JsonObject failed = null;
    long deadline = killedAt + Duration.ofSeconds(20).toNanos();
    while (failed == null && System.nanoTime() < deadline) {
      JsonObject s;
      try {
        s = jobOnNewConnection(id);
      } catch (IOException resetByTheDyingNode) {
        continue;
      }
      assertTrue(Set.of("running", "failed").contains(s.getString("state")), s.encode());
      failed = "failed".equals(s.getString("state")) ? s : null;
    }
    double seconds = (System.nanoTime() - killedAt) / 1e9;
    assertTrue(failed != null, "job " + id + " not failed 20 s after its coordinator was killed: " + jobOnNewConnection(id).encode());
    assertEquals("the node coordinating job " + id + " left the cluster", failed.getString("error"), failed.encode());
    String last = followerEnd.get(20, TimeUnit.SECONDS);
    double followerSeconds = (System.nanoTime() - killedAt) / 1e9;
    follower.close();
    assertTrue(last.contains("\"failed\"") && last.contains("left the cluster"), "the follower's last event: " + last);
    awaitTwoMembersWithout(coordinator);
    Set<String> answeredBy = new HashSet<>();
    for (int i = 0; i < 200 && answeredBy.size() < 2; i++) {
      Http.Reply r = http.getOnNewConnection("/jobs/" + id);
      assertEquals(200, r.status(), r.body());
      assertEquals("failed", new JsonObject(r.body()).getString("state"), r.body());
      answeredBy.add(r.node());
    }
    assertEquals(2, answeredBy.size(), "both nodes, the restarted one too, read it failed: " + answeredBy);
    System.out.printf("coordinator of job %d killed after %d of %d partitions: read failed %.1f s after the kill; "
        + "the other node's event stream ended with it %.1f s after%n", id, failed.getInteger("done"), failed.getInteger("total"),
        seconds, followerSeconds);
  }

  /**
   * Waits up to 60 s for /cluster to list 2 members, none of them {@code gone}: a node starts in about 10 s on 2 idle
   * cores, and took 25 s where other builds and the test's load shared them.
   */
  private static void awaitTwoMembersWithout(long gone) {
    assertTrue(Await.eventually(Duration.ofSeconds(60), () -> {
      try {
        JsonObject c = clusterOfNewConnection();
        return c.getInteger("size") == 2 && c.getJsonArray("members").stream()
            .map(o -> ((JsonObject) o).getLong("pid", -1L)).allMatch(pid -> pid > 0 && pid != gone);
      } catch (IOException resetByTheDyingNode) {
        return false;
      }
    }), "2 members again within 60 s; output:\n" + serve.output());
  }

  private static JsonObject jobOnNewConnection(long id) throws IOException {
    Http.Reply r = http.getOnNewConnection("/jobs/" + id);
    assertEquals(200, r.status(), r.body());
    return new JsonObject(r.body());
  }

  /** The pid in an {@code X-Storefront-Node} value, {@code node-1 (pid 5404)}. */
  private static long pid(String node) {
    Matcher m = PID.matcher(node == null ? "" : node);
    assertTrue(m.find(), "no pid in '" + node + "'");
    return Long.parseLong(m.group(1));
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

  private static JsonObject clusterOfNewConnection() throws IOException {
    Http.Reply r = http.getOnNewConnection("/cluster");
    assertEquals(200, r.status(), r.body());
    return new JsonObject(r.body());
  }
}
