package dev.storefront.jobs;

import dev.storefront.cluster.Cluster;
import dev.storefront.cluster.FreePorts;
import dev.storefront.cluster.NodeIdentity;
import dev.storefront.config.Settings;
import dev.storefront.failure.Failure;
import dev.storefront.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two clustered nodes (Hazelcast, TCP-IP on loopback) in one JVM: both nodes' workers take a job's map tasks. */
class ClusteredJobTest {

  /** Long enough for bothNodesWork to read its job's state after the end, short enough to watch one expire. */
  private static final int KEEP_FINISHED_SECONDS = 5;

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
        .with("jobs.workersPerNode", 1)
        .with("jobs.keepFinishedSeconds", KEEP_FINISHED_SECONDS);
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

  @Test
  @DisplayName("the state of an ended job expires from the clustered map after jobs.keepFinishedSeconds, on every node")
  void endedJobsExpire() {
    JobService onA = JobService.of(a);
    JobService onB = JobService.of(b);
    JsonObject end = await(onA.run(JobSpec.file(file, 1_000_000)));
    assertEquals("succeeded", end.getString("state"), end.encode());
    long id = end.getLong("id");
    assertEquals("succeeded", await(onB.status(id)).getString("state"));
    assertTrue(await(onB.recent(5)).stream().anyMatch(s -> s.getLong("id") == id));
    long ended = System.nanoTime();
    boolean gone = Await.eventually(Duration.ofSeconds(KEEP_FINISHED_SECONDS + 30), () -> unknown(onA, id) && unknown(onB, id));
    assertTrue(gone, "job " + id + " still readable " + KEEP_FINISHED_SECONDS + " s after it ended");
    assertTrue(System.nanoTime() - ended >= TimeUnit.SECONDS.toNanos(KEEP_FINISHED_SECONDS - 1), "not before its time");
    assertTrue(await(onA.recent(5)).stream().noneMatch(s -> s.getLong("id") == id), "GET /jobs skips it");
  }

  /** Whether {@code node} answers that job {@code id} is unknown (a not-found failure naming it). */
  private static boolean unknown(JobService node, long id) {
    try {
      await(node.status(id));
      return false;
    } catch (RuntimeException e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof Failure f && f.kind() == Failure.Kind.NOT_FOUND && String.valueOf(f.getMessage()).contains("no job " + id)) {
          return true;
        }
      }
      throw e;
    }
  }
}
