package dev.storefront.jobs;

import dev.storefront.cluster.Cluster;
import dev.storefront.cluster.FreePorts;
import dev.storefront.cluster.NodeIdentity;
import dev.storefront.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two clustered nodes (Hazelcast, TCP-IP on loopback) in one JVM: both nodes' workers take a job's map tasks. */
class ClusteredJobTest {

  @TempDir
  static Path dir;
  private static Vertx a;
  private static Vertx b;
  private static Path file;
  private static ReferenceCount reference;

  @BeforeAll
  static void cluster() throws Exception {
    file = JobsTesting.generate(dir.resolve("ngrams.tsv"), 150_000, 9);
    reference = ReferenceCount.of(file);
    int port = FreePorts.any();
    Settings settings = Settings.defaults()
        .with("cluster.name", "sf-jobs-" + UUID.randomUUID())
        .with("cluster.port", port)
        .with("cluster.members", "127.0.0.1:" + port)
        .with("jobs.dataDir", dir.toString())
        .with("jobs.workersPerNode", 1);
    a = await(Cluster.start(settings, 2));
    b = await(Cluster.start(settings, 2));
    await(JobService.deploy(a, settings));
    await(JobService.deploy(b, settings));
  }

  @AfterAll
  static void close() {
    await(b.close());
    await(a.close());
  }

  @Test
  @DisplayName("a job submitted on one node runs on both nodes' workers, is exact, and the other node answers for it")
  void bothNodesWork() {
    JobService onA = JobService.of(a);
    JobService onB = JobService.of(b);
    JsonObject end = await(onA.run(JobSpec.file(file, 30_000)));
    assertEquals("succeeded", end.getString("state"), end.encode());
    JsonObject byNode = end.getJsonObject("tasksByNode");
    assertEquals(2, byNode.size(), "tasks by node: " + byNode);
    assertTrue(byNode.containsKey(NodeIdentity.clusterNodeId(a)) && byNode.containsKey(NodeIdentity.clusterNodeId(b)));
    WordCountExactnessTest.assertSame(reference, onA.localResult(end.getLong("id")), "clustered job");

    long id = end.getLong("id");
    JsonObject seenFromB = await(onB.status(id));
    assertEquals("succeeded", seenFromB.getString("state"));
    assertEquals(seenFromB.getInteger("total"), seenFromB.getInteger("done"));
    Map.Entry<String, Long> any = reference.counts.entrySet().iterator().next();
    JsonObject result = await(onB.result(id, List.of(any.getKey()), 3));
    assertEquals(any.getValue(), result.getJsonObject("words").getLong(any.getKey()));
    JsonArray top = result.getJsonArray("top");
    long max = reference.counts.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    assertEquals(max, top.getJsonArray(0).getLong(1));
    assertEquals(reference.total(), result.getLong("totalCount"));
  }
}
