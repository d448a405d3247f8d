package dev.storefront.supervisor;

import dev.storefront.bench.StorefrontProcess;
import dev.storefront.cluster.FreePorts;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.testing.Await;
import dev.storefront.testing.FatJar;
import dev.storefront.testing.Http;
import dev.storefront.testing.TestCluster;
import dev.storefront.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The supervisor's edges: a single node through the same code path, and a crash loop it gives up on. */
@Tag("database")
class SupervisorIT {

  private static List<String> args(DatabaseUrl db, int port, String cluster, int clusterPort, String... more) {
    List<String> a = new ArrayList<>(List.of("serve", "--port", String.valueOf(port), "--db-url", db.uri()));
    a.addAll(TestCluster.isolated(cluster, clusterPort));
    a.addAll(TestCluster.quickStartNodes()); // before more: a test's own node.jvmOptions wins
    a.addAll(List.of(more));
    return a;
  }

  @TempDir
  Path dir;

  @Test
  @DisplayName("--processes 1 runs one clustered node the same way: it serves products and /cluster lists itself;"
      + " a node restarted after its jar was overwritten still starts (nodes run serve's own copy of the jar)")
  void singleProcess() throws Exception {
    DatabaseUrl db = TestDatabase.withSampleData("sf_supervisor_it");
    int port = FreePorts.any();
    Http http = new Http(port);
    Path jar = Files.copy(FatJar.path(), dir.resolve("storefront.jar"));
    try (StorefrontProcess serve = StorefrontProcess.start(jar,
        args(db, port, "single-" + port, 16200, "--processes", "1", "--event-loops", "2"), port)) {
      assertTrue(serve.awaitLine("Storefront ready", Duration.ofSeconds(90)), serve.output());
      assertTrue(serve.output().contains("1 node process x 2 event loops"), serve.output());
      assertEquals(200, http.get("/products/100").statusCode());
      JsonObject cluster = Http.json(http.get("/cluster"));
      assertEquals(1, cluster.getInteger("size"));
      assertEquals(2, cluster.getJsonArray("members").getJsonObject(0).getInteger("eventLoops"));

      Files.write(jar, new byte[0]); // a rebuild or an upgrade in place, as far as the running processes can tell
      long node = serve.nodePids().get(0);
      ProcessHandle.of(node).ifPresent(ProcessHandle::destroyForcibly); // kill -9
      assertTrue(serve.awaitLine("is back", Duration.ofSeconds(90)), serve.output());
      assertTrue(serve.nodePids().get(0) != node, "a new node process: " + serve.output());
      assertTrue(Await.eventually(Duration.ofSeconds(30), () -> http.get("/products/100").statusCode() == 200),
          serve.output());
      serve.sigterm();
      assertTrue(serve.awaitExit(Duration.ofSeconds(20)));
      assertEquals(0, serve.process().exitValue());
    }
  }

  /**
   * Runs a one-node serve (restarts 10 ms apart) with {@code settings} (--set KEY=VALUE each) that must give up on its
   * node: exit 1 within a minute. Returns its output.
   */
  private static String givesUp(String cluster, int clusterPort, String... settings) throws Exception {
    DatabaseUrl db = TestDatabase.server();
    int port = FreePorts.any();
    List<String> more = new ArrayList<>(List.of("--processes", "1", "--set", "node.restartBackoffMs=10"));
    for (String setting : settings) {
      more.addAll(List.of("--set", setting));
    }
    try (StorefrontProcess serve = StorefrontProcess.start(FatJar.path(),
        args(db, port, cluster + "-" + port, clusterPort, more.toArray(String[]::new)), port)) {
      assertTrue(serve.awaitExit(Duration.ofSeconds(60)), serve.output());
      assertEquals(1, serve.process().exitValue(), serve.output());
      return serve.output();
    }
  }

  @Test
  @DisplayName("a node that crashes at every start makes serve give up with a clear message and exit 1")
  void givesUpOnCrashLoop() throws Exception {
    String output = givesUp("crash", 16300, "node.jvmOptions=-Xmx1k", "node.maxCrashes=3");
    assertTrue(output.contains("node-1 crashed 3 times in a row before becoming ready"), output);
    assertTrue(output.contains("restarting in 20 ms"), "backoff doubles: " + output);
  }

  @Test
  @DisplayName("a node not ready within node.readyTimeoutMs is killed and restarted, and counts as a crash")
  void killsNodesThatAreNotReadyInTime() throws Exception {
    // a clustered node needs seconds to join and connect, far more than the smallest timeout allowed (1 s)
    String output = givesUp("slow", 16320, "node.readyTimeoutMs=1000", "node.maxCrashes=2");
    assertTrue(output.contains("was not ready after 1000 ms (node.readyTimeoutMs); killing it"), output);
    assertTrue(output.contains("node-1 crashed 2 times in a row before becoming ready"), output);
    assertFalse(output.contains("Storefront ready"), output);
  }
}
