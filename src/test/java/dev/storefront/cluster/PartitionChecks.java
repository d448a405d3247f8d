package dev.storefront.cluster;

import dev.storefront.bench.StorefrontProcess;
import dev.storefront.config.SettingsSchema;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.testing.Await;
import dev.storefront.testing.FatJar;
import dev.storefront.testing.History;
import dev.storefront.testing.NetHosts;
import dev.storefront.testing.TcpProxy;
import dev.storefront.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jepsen-style checks of counters, locks and fencing tokens under network faults, on three hosts with one node
 * each (network namespaces). Clients on every host increment one counter and take one lock, writing to the fenced
 * resource ({@code PUT /inventory/{sku}}) under it; the {@link History} they record is checked after the fault
 * heals. A subclass picks {@code coordination.mode}: in {@code cp} every check must pass, in {@code ap} the test
 * records what went wrong and writes it to {@code target/partition-checks.jsonl}.
 *
 * <p>These are fault runs of one to several minutes, so {@code mvn -B verify} skips them unless asked:
 * {@code -Dstorefront.faults=cut} checks mode cp under one fault (host 3 cut off from its peers);
 * {@code -Dstorefront.faults=all} runs both modes under every fault: cut, one-way cut, pause past the failure
 * detector's deadline, {@code kill -9} of a node.
 */
@Tag("database")
@Tag("multihost") // hosts from network namespaces (root): -DexcludedGroups=multihost leaves them out
abstract class PartitionChecks {

  static final int HOSTS = 3;
  static final int PORT = 8080;
  static final Duration OP_TIMEOUT = Duration.ofSeconds(4);
  static NetHosts net;
  static TcpProxy pg;
  static final List<StorefrontProcess> serves = new ArrayList<>();
  static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  /** Starts the three hosts with {@code mode}. */
  static void startCluster(String mode) throws Exception {
    String why = NetHosts.unsupportedReason();
    Assumptions.assumeTrue(why == null, why);
    // committed ahead of the feature: until the setting exists every serve would refuse to start
    Assumptions.assumeTrue(SettingsSchema.key("coordination.mode").isPresent(),
        "this build has no setting coordination.mode: the partition checks wait for it");
    DatabaseUrl db = TestDatabase.withSampleData("sf_partition_" + mode);
    net = NetHosts.create(HOSTS);
    pg = TcpProxy.start(net.gateway(), db.host(), db.port());
    DatabaseUrl shared = new DatabaseUrl(net.gateway(), pg.port(), db.database(), db.user(), db.password());
    String cluster = "partition-" + mode + "-" + ProcessHandle.current().pid();
    for (NetHosts.Host h : net.hosts()) {
      List<String> args = new ArrayList<>(List.of("serve", "--processes", "1", "--event-loops", "1",
          "--port", String.valueOf(PORT), "--db-url", shared.uri(),
          "--set", "http.host=" + h.address(), "--set", "cluster.host=" + h.address(),
          "--set", "cluster.members=" + net.addresses(), "--set", "cluster.name=" + cluster,
          "--set", "coordination.mode=" + mode,
          "--set", "node.jvmOptions=-Xms32m -Xmx256m -XX:+UseSerialGC -Xss512k"));
      serves.add(StorefrontProcess.start(h.command(List.of()), FatJar.path(), args, h.address(), PORT));
    }
    for (StorefrontProcess s : serves) {
      assertTrue(s.awaitLine("Storefront ready", Duration.ofSeconds(180)), s.output());
    }
    assertTrue(awaitWhole(Duration.ofSeconds(60)), "the three members did not form one cluster");
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (StorefrontProcess s : serves) {
      s.close();
    }
    serves.clear();
    if (pg != null) {
      pg.close();
    }
    if (net != null) {
      net.close();
    }
  }

  /** Whether any fault run was asked for: {@code -Dstorefront.faults=cut} or {@code all}. */
  static boolean faultsAsked() {
    String faults = System.getProperty("storefront.faults", "");
    return faults.equals("cut") || faults.equals("all");
  }

  /** The faults this run injects: the cut with {@code -Dstorefront.faults=cut}, all with {@code all}. */
  static boolean allFaults() {
    return "all".equals(System.getProperty("storefront.faults"));
  }

  static List<String> faultsToInject() {
    return allFaults()
        ? List.of("cut", "one-way", "pause", "kill") : List.of("cut");
  }

  /** Runs clients on every host through {@code fault} and returns the checked history. */
  History.Verdict run(String mode, String fault) throws Exception {
    String counter = "jepsen-" + fault;
    String lock = "jepsen-lock-" + fault;
    String sku = "jepsen-" + fault;
    History history = new History();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    CountDownLatch started = new CountDownLatch(HOSTS * 2);
    for (NetHosts.Host h : net.hosts()) {
      String base = "http://" + h.address() + ":" + PORT;
      clients.add(client("inc-" + h.index(), started, stop, () -> {
        long t0 = System.nanoTime();
        int status = status("POST", base + "/counters/" + counter, "{\"delta\":1}");
        history.increment(h.address(), t0, System.nanoTime(), status == 200 ? "ok" : status >= 400 && status < 500 ? "fail" : "info");
      }));
      clients.add(client("lock-" + h.index(), started, stop, () -> holdOnce(history, h, base, lock, sku)));
    }
    clients.forEach(Thread::start);
    started.await();
    sleepWhileClientsRun(Duration.ofSeconds(2));
    inject(fault);
    heal(fault);
    assertTrue(awaitWhole(Duration.ofSeconds(90)), "the cluster did not heal after " + fault);
    sleepWhileClientsRun(Duration.ofSeconds(2));
    stop.set(true);
    for (Thread t : clients) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    long value = finalValue(counter);
    History.Verdict verdict = history.check(value);
    JsonObject line = new JsonObject().put("mode", mode).put("fault", fault).mergeIn(verdict.toJson());
    System.out.println("partition-check: " + line.encode());
    Path out = Path.of("target", "partition-checks.jsonl");
    Files.writeString(out, line.encode() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return verdict;
  }

  /** The fault itself, held long enough for the failure detector (5 s) to split the cluster. */
  private void inject(String fault) throws Exception {
    NetHosts.Host h1 = net.host(1);
    NetHosts.Host h2 = net.host(2);
    NetHosts.Host h3 = net.host(3);
    switch (fault) {
      case "cut":
        h3.cutFrom(h1);
        h3.cutFrom(h2);
        sleepWhileClientsRun(Duration.ofSeconds(12));
        break;
      case "one-way":
        h3.dropFrom(h1);
        sleepWhileClientsRun(Duration.ofSeconds(12));
        break;
      case "pause":
        h3.signal("STOP");
        sleepWhileClientsRun(Duration.ofSeconds(9));
        break;
      case "kill":
        serves.get(2).process().descendants().forEach(ProcessHandle::destroyForcibly);
        assertTrue(serves.get(2).awaitLine("is back", Duration.ofSeconds(120)), "host 3's node was not restarted");
        break;
      default:
        throw new IllegalArgumentException(fault);
    }
  }

  private void heal(String fault) {
    if (!fault.equals("kill")) {
      net.heal();
    }
  }

  private static void holdOnce(History history, NetHosts.Host h, String base, String lock, String sku) {
    HttpResponse<String> taken = send("POST", base + "/locks/" + lock, "{\"timeoutMs\":2000,\"leaseMs\":15000}");
    boolean ok = taken != null && taken.statusCode() == 200;
    history.lockAttempt(!ok);
    if (!ok) {
      return;
    }
    long acquired = System.nanoTime();
    long token = new JsonObject(taken.body()).getLong("token");
    HttpResponse<String> write = send("PUT", base + "/inventory/" + sku,
        new JsonObject().put("quantity", (int) (token % 1000)).put("token", token).put("lock", lock).encode());
    boolean accepted = write != null && write.statusCode() == 200;
    long release = System.nanoTime();
    send("DELETE", base + "/locks/" + lock + "?token=" + token, null);
    history.hold(h.address(), token, acquired, release, accepted);
  }

  private static Thread client(String name, CountDownLatch started, AtomicBoolean stop, Runnable op) {
    Thread t = new Thread(() -> {
      started.countDown();
      while (!stop.get()) {
        op.run();
      }
    }, "jepsen-" + name);
    t.setDaemon(true);
    return t;
  }

  /** Whether every host sees all three members. */
  static boolean awaitWhole(Duration within) {
    return Await.eventually(within, () -> {
      for (NetHosts.Host h : net.hosts()) {
        HttpResponse<String> r = send("GET", "http://" + h.address() + ":" + PORT + "/cluster", null);
        if (r == null || r.statusCode() != 200 || new JsonObject(r.body()).getInteger("size") != HOSTS) {
          return false;
        }
      }
      return true;
    });
  }

  /** The counter's value once every host reads the same one. */
  private static long finalValue(String counter) {
    long[] value = {-1};
    boolean agreed = Await.eventually(Duration.ofSeconds(30), () -> {
      Long seen = null;
      for (NetHosts.Host h : net.hosts()) {
        HttpResponse<String> r = send("GET", "http://" + h.address() + ":" + PORT + "/counters/" + counter, null);
        if (r == null || r.statusCode() != 200) {
          return false;
        }
        long v = new JsonObject(r.body()).getLong("value");
        if (seen != null && seen != v) {
          return false;
        }
        seen = v;
      }
      value[0] = seen;
      return true;
    });
    assertTrue(agreed, "the hosts did not agree on counter " + counter);
    return value[0];
  }

  static int status(String method, String url, String body) {
    HttpResponse<String> r = send(method, url, body);
    return r == null ? -1 : r.statusCode();
  }

  /** One request; null when it timed out or the connection failed (an indeterminate outcome). */
  static HttpResponse<String> send(String method, String url, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(OP_TIMEOUT)
        .header("content-type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The clients run meanwhile; this thread only waits out the fault window. */
  private static void sleepWhileClientsRun(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }
}
