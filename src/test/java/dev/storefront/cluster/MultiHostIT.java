package dev.storefront.cluster;

import dev.storefront.bench.StorefrontProcess;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.jobs.NgramGenerator;
import dev.storefront.testing.Await;
import dev.storefront.testing.FatJar;
import dev.storefront.testing.Http;
import dev.storefront.testing.NetHosts;
import dev.storefront.testing.TcpProxy;
import dev.storefront.testing.TestCluster;
import dev.storefront.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three hosts (network namespaces on one machine, one address each), {@code serve --processes 2} on each: one
 * cluster of six members, with one PostgreSQL that every host reaches through a proxy on the bridge. One cluster
 * for the whole class; the test that kills a host runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("clustered deployment across three hosts")
@Tag("database")
@Tag("multihost") // hosts from network namespaces (root): -DexcludedGroups=multihost leaves them out
class MultiHostIT {

  private static final int HOSTS = 3;
  private static final int PROCESSES = 2;
  private static final int PORT = 8080;
  private static final int FLUSH_MS = 300;
  private static NetHosts net;
  private static TcpProxy pg;
  private static final List<StorefrontProcess> serves = new ArrayList<>();
  private static Path dataDir;

  @BeforeAll
  static void start() throws Exception {
    String why = NetHosts.unsupportedReason();
    Assumptions.assumeTrue(why == null, why);
    DatabaseUrl db = TestDatabase.withSampleData("sf_multihost_it");
    net = NetHosts.create(HOSTS);
    pg = TcpProxy.start(net.gateway(), db.host(), db.port());
    DatabaseUrl shared = new DatabaseUrl(net.gateway(), pg.port(), db.database(), db.user(), db.password());
    dataDir = Files.createDirectories(Path.of("target", "multihost-data").toAbsolutePath());
    long t0 = System.nanoTime();
    String cluster = "multihost-" + ProcessHandle.current().pid();
    for (NetHosts.Host h : net.hosts()) {
      List<String> args = new ArrayList<>(List.of("serve", "--processes", String.valueOf(PROCESSES), "--event-loops", "1",
          "--port", String.valueOf(PORT), "--db-url", shared.uri(),
          "--set", "http.host=" + h.address(), "--set", "cluster.host=" + h.address(),
          "--set", "cluster.members=" + net.addresses(), "--set", "cluster.name=" + cluster,
          "--set", "stats.flushIntervalMs=" + FLUSH_MS, "--set", "jobs.dataDir=" + dataDir,
          "--set", "jobs.workersPerNode=1", "--set", "node.jvmOptions=-Xms32m -Xmx256m -XX:+UseSerialGC -Xss512k " + TestCluster.QUICK_START));
      serves.add(StorefrontProcess.start(h.command(List.of()), FatJar.path(), args, h.address(), PORT));
    }
    for (StorefrontProcess s : serves) {
      assertTrue(s.awaitLine("Storefront ready", Duration.ofSeconds(180)), s.output());
    }
    boolean formed = Await.eventually(Duration.ofSeconds(60), () -> serves.stream()
        .allMatch(s -> Http.json(Http.to(s).get("/cluster")).getInteger("size") == HOSTS * PROCESSES));
    System.out.printf("multi-host: %d members on %d hosts formed in %.1f s%n", HOSTS * PROCESSES, HOSTS,
        (System.nanoTime() - t0) / 1e9);
    assertTrue(formed, "the six members did not all see each other");
  }

  @AfterAll
  static void stop() throws Exception {
    for (StorefrontProcess s : serves) {
      s.close();
    }
    if (pg != null) {
      pg.close();
    }
    if (net != null) {
      net.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName("/cluster on every host lists all six members, two on each host's address")
  void sixMembersFromEveryHost() {
    for (StorefrontProcess s : serves) {
      JsonObject cluster = Http.json(Http.to(s).get("/cluster"));
      JsonArray members = cluster.getJsonArray("members");
      assertEquals(HOSTS * PROCESSES, members.size(), cluster.encodePrettily());
      Map<String, Integer> perHost = new HashMap<>();
      Set<String> names = new HashSet<>();
      for (int i = 0; i < members.size(); i++) {
        JsonObject m = members.getJsonObject(i);
        perHost.merge(m.getString("host"), 1, Integer::sum);
        names.add(m.getString("name"));
      }
      for (NetHosts.Host h : net.hosts()) {
        assertEquals(PROCESSES, perHost.getOrDefault(h.address(), 0), cluster.encodePrettily());
      }
      assertEquals(HOSTS * PROCESSES, names.size(), "member names are unique across hosts: " + names);
    }
  }

  @Test
  @Order(2)
  @DisplayName("/stats adds up the requests that every node of every host served")
  void statsAddUpAcrossHosts() throws Exception {
    // the requests of the tests before (GET /cluster) are counted too: start from a total that has them all
    long before = settledTotal(Http.to(serves.get(0)));
    int perHost = 60;
    Set<String> nodes = new HashSet<>();
    for (StorefrontProcess s : serves) {
      for (int i = 0; i < perHost; i++) {
        nodes.add(Http.to(s).nodeOfNewConnection("/products/" + (1 + i)));
      }
    }
    assertEquals(HOSTS * PROCESSES, nodes.size(), "new connections reached every node: " + nodes);
    long expected = before + (long) HOSTS * perHost;
    for (StorefrontProcess s : serves) {
      assertTrue(Await.eventually(Duration.ofSeconds(20),
          () -> Http.json(Http.to(s).get("/stats")).getLong("total") == expected),
          "expected " + expected + ", got " + Http.to(s).get("/stats").body());
    }
    JsonObject byNode = Http.json(Http.to(serves.get(2)).get("/stats")).getJsonObject("nodes");
    assertEquals(HOSTS * PROCESSES, byNode.size(), byNode.encode());
  }

  @Test
  @Order(3)
  @DisplayName("a counter incremented concurrently from clients on every host ends exact")
  void counterExactFromAllHosts() throws Exception {
    int clientsPerHost = 4;
    int increments = 40;
    onEveryHost(clientsPerHost, Duration.ofSeconds(120), http -> {
      for (int i = 0; i < increments; i++) {
        HttpResponse<String> r = http.send("POST", "/counters/multihost-hits", "{\"delta\":1}");
        assertEquals(200, r.statusCode(), r.body());
      }
    });
    for (StorefrontProcess s : serves) {
      assertEquals((long) HOSTS * clientsPerHost * increments,
          Http.json(Http.to(s).get("/counters/multihost-hits")).getLong("value"));
    }
  }

  @Test
  @Order(4)
  @DisplayName("a lock taken from every host is exclusive: the read-modify-writes it guards never collide, tokens never repeat")
  void lockExclusiveFromAllHosts() throws Exception {
    int clientsPerHost = 2;
    int holds = 10;
    List<Long> tokens = Collections.synchronizedList(new ArrayList<>());
    onEveryHost(clientsPerHost, Duration.ofSeconds(240), http -> {
      for (int i = 0; i < holds; i++) {
        HttpResponse<String> lock = http.send("POST", "/locks/multihost-guard", "{\"timeoutMs\":30000}");
        assertEquals(200, lock.statusCode(), lock.body());
        long token = Http.json(lock).getLong("token");
        tokens.add(token);
        // read-modify-write that only the lock makes safe: a compare-and-set that must never miss
        long value = Http.json(http.get("/counters/multihost-guarded")).getLong("value");
        HttpResponse<String> cas = http.send("POST", "/counters/multihost-guarded",
            "{\"expect\":" + value + ",\"update\":" + (value + 1) + "}");
        assertEquals(200, cas.statusCode(), "another holder wrote inside the lock: " + cas.body());
        HttpResponse<String> release = http.send("DELETE", "/locks/multihost-guard?token=" + token, null);
        assertEquals(200, release.statusCode(), release.body());
      }
    });
    int total = HOSTS * clientsPerHost * holds;
    assertEquals(total, new HashSet<>(tokens).size(), "fencing tokens are unique: " + tokens);
    assertEquals(total, Http.json(Http.to(serves.get(0)).get("/counters/multihost-guarded")).getLong("value"));
  }

  @Test
  @Order(5)
  @DisplayName("a word-count job submitted on one host runs map tasks on every host and is exact")
  void jobUsesEveryHost() throws Exception {
    Path file = generate("spread.tsv", 600_000, 31);
    JsonObject state = runJob(Http.to(serves.get(0)), "spread.tsv", 1 << 20, null);
    JsonObject tasks = state.getJsonObject("tasksByNode");
    Map<String, String> hostOfNode = new HashMap<>();
    JsonArray members = Http.json(Http.to(serves.get(0)).get("/cluster")).getJsonArray("members");
    for (int i = 0; i < members.size(); i++) {
      hostOfNode.put(members.getJsonObject(i).getString("nodeId"), members.getJsonObject(i).getString("host"));
    }
    Map<String, Integer> tasksPerHost = new HashMap<>();
    tasks.forEach(e -> tasksPerHost.merge(hostOfNode.getOrDefault(e.getKey(), "?"), ((Number) e.getValue()).intValue(),
        Integer::sum));
    System.out.println("multi-host: map tasks per host " + tasksPerHost);
    for (NetHosts.Host h : net.hosts()) {
      assertTrue(tasksPerHost.getOrDefault(h.address(), 0) > 0, "tasks ran on every host: " + tasksPerHost);
    }
    assertExact(Http.to(serves.get(0)), state.getLong("id"), file);
  }

  @Test
  @Order(6)
  @DisplayName("a job survives the loss of a host that does not coordinate it, with the exact result")
  void jobSurvivesHostLoss() throws Exception {
    Path file = generate("loss.tsv", 4_000_000, 32);
    NetHosts.Host victim = net.host(3);
    JsonObject[] atKill = {null};
    JsonObject state = runJob(Http.to(serves.get(0)), "loss.tsv", 1 << 19, id -> {
      // once the job runs, host 3 dies at once: every process on it, supervisor and nodes
      Await.eventually(Duration.ofSeconds(30), () -> {
        atKill[0] = Http.json(Http.to(serves.get(0)).get("/jobs/" + id));
        return !"pending".equals(atKill[0].getString("state")) && atKill[0].getInteger("done", 0) > 0;
      });
      victim.signal("KILL");
    });
    assertEquals("running", atKill[0].getString("state"), "host 3 died while the job ran: " + atKill[0]);
    assertTrue(atKill[0].getInteger("done") < atKill[0].getInteger("total"), "host 3 died mid-job: " + atKill[0]);
    System.out.println("multi-host: host 3 killed at " + atKill[0].getInteger("done") + "/" + atKill[0].getInteger("total")
        + " tasks; map tasks per node " + state.getJsonObject("tasksByNode").encode());
    assertExact(Http.to(serves.get(0)), state.getLong("id"), file);
  }

  /**
   * The /stats total once two reads more than a flush interval apart agree, so that no request made before is still
   * waiting for its node's next flush (a flush has no event a client could await).
   */
  private static long settledTotal(Http http) {
    long[] last = {-1};
    boolean settled = Await.eventually(Duration.ofSeconds(20), Duration.ofMillis(FLUSH_MS + 200), () -> {
      long now = Http.json(http.get("/stats")).getLong("total");
      boolean same = now == last[0];
      last[0] = now;
      return same;
    });
    assertTrue(settled, "the /stats total never settled: " + last[0]);
    return last[0];
  }

  /** Runs {@code client} on {@code clientsPerHost} threads per host, each with its host's HTTP client; rethrows the first failure. */
  private static void onEveryHost(int clientsPerHost, Duration within, java.util.function.Consumer<Http> client)
      throws Exception {
    List<Future<?>> done = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(HOSTS * clientsPerHost);
    try {
      for (StorefrontProcess s : serves) {
        for (int c = 0; c < clientsPerHost; c++) {
          done.add(pool.submit(() -> client.accept(Http.to(s))));
        }
      }
      for (Future<?> f : done) {
        f.get(within.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Path generate(String name, long lines, long seed) throws Exception {
    Path file = dataDir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      NgramGenerator.write(lines, seed, out);
    }
    return file;
  }

  /** Submits a job, runs {@code whileRunning} with its id, and returns its final state, which must be succeeded. */
  private static JsonObject runJob(Http http, String path, long partitionBytes, java.util.function.LongConsumer whileRunning) {
    HttpResponse<String> r = http.send("POST", "/jobs", new JsonObject()
        .put("source", new JsonObject().put("type", "ngrams").put("path", path))
        .put("partitionBytes", partitionBytes).encode());
    assertEquals(202, r.statusCode(), r.body());
    long id = Http.json(r).getLong("id");
    if (whileRunning != null) {
      whileRunning.accept(id);
    }
    JsonObject[] last = {null};
    boolean ended = Await.eventually(Duration.ofSeconds(180), () -> {
      last[0] = Http.json(http.get("/jobs/" + id));
      String st = last[0].getString("state");
      return "succeeded".equals(st) || "failed".equals(st) || "cancelled".equals(st);
    });
    assertTrue(ended, "job did not end: " + last[0]);
    assertEquals("succeeded", last[0].getString("state"), last[0].encodePrettily());
    return last[0].put("id", id);
  }

  /** The job's total and its most frequent word equal a plain count of the file. */
  private static void assertExact(Http http, long id, Path file) throws Exception {
    Map<String, Long> counts = new HashMap<>();
    long total = 0;
    for (String line : new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n")) {
      String[] f = line.split("\t");
      if (f.length == 4) {
        long n = Long.parseLong(f[2]);
        counts.merge(f[0], n, Long::sum);
        total += n;
      }
    }
    Map.Entry<String, Long> top = Collections.max(counts.entrySet(), Map.Entry.comparingByValue());
    JsonObject result = Http.json(http.get("/jobs/" + id + "/result?top=1&word=" + top.getKey()));
    assertEquals(total, result.getLong("totalCount"), result.encode());
    assertEquals(top.getValue(), result.getJsonObject("words").getLong(top.getKey()), result.encode());
    assertEquals(top.getValue(), result.getJsonArray("top").getJsonArray(0).getLong(1), result.encode());
  }
}
