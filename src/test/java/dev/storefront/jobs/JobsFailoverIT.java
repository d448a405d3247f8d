package dev.storefront.jobs;

import dev.storefront.cluster.Cluster;
import dev.storefront.cluster.FreePorts;
import dev.storefront.config.Settings;
import dev.storefront.testing.Await;
import dev.storefront.testing.ChildJvm;
import dev.storefront.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job across two node processes (this JVM coordinates; a child JVM of the fat jar works too) survives the
 * {@code kill -9} of the child mid-job: the tasks in flight are re-sent as soon as the child has left the cluster and
 * the event bus no longer lists its workers (long before any task could time out), and the count is exact.
 */
class JobsFailoverIT {

  /** Longer than the whole test may take after the kill: a success proves the re-send on leaving, not a timeout. */
  static final int TASK_TIMEOUT_MS = 120_000;

  @TempDir
  static Path dir;
  private static ChildJvm child;
  private static String childNodeId;
  private static Vertx coordinator;
  private static Path file;
  private static ReferenceCount reference;

  static Settings clusterSettings(String name, int port) {
    return Settings.defaults()
        .with("cluster.name", name)
        .with("cluster.port", port)
        .with("cluster.members", "127.0.0.1:" + port)
        .with("jobs.taskTimeoutMs", TASK_TIMEOUT_MS);
  }

  @BeforeAll
  static void start() throws Exception {
    String name = "sf-jobs-failover-" + UUID.randomUUID().toString().substring(0, 8);
    int port = FreePorts.any();
    Settings settings = clusterSettings(name, port).with("jobs.workersPerNode", 1);
    coordinator = await(Cluster.start(settings, 2));
    await(JobService.deploy(coordinator, settings));

    child = ChildJvm.start(List.of("-Xmx256m", TestCluster.QUICK_START), JobsNodeProcess.class, name, String.valueOf(port), "1");
    // the input and its reference count are made here while the child JVM starts
    file = JobsTesting.generate(dir.resolve("ngrams.tsv"), 1_500_000, 21);
    reference = ReferenceCount.of(file);
    childNodeId = child.expect(JobsNodeProcess.READY, 90_000).trim();
    assertTrue(Await.eventually(Duration.ofSeconds(30),
        () -> ((VertxInternal) coordinator).clusterManager().getNodes().size() == 2), "the child never joined");
  }

  @AfterAll
  static void stop() throws Exception {
    if (child != null) {
      child.kill();
    }
    if (coordinator != null) {
      await(coordinator.close());
    }
  }

  @Test
  @DisplayName("kill -9 of the non-coordinating node mid-job: the job still succeeds with the exact count")
  void survivesKill() throws Exception {
    JobService jobs = JobService.of(coordinator);
    long id = await(jobs.submit(JobSpec.file(file, 8_192)));
    assertTrue(Await.eventually(Duration.ofSeconds(60), () -> await(jobs.status(id)).getInteger("done") >= 300),
        "the job never made progress");
    child.kill(); // SIGKILL
    long killed = System.nanoTime();
    JsonObject end;
    try {
      end = jobs.awaitTerminal(id).toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no terminal state 90 s after the kill; the job's state: " + await(jobs.status(id)), e);
    }
    long afterKillMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
    assertTrue(afterKillMs < TASK_TIMEOUT_MS, "finished " + afterKillMs + " ms after the kill, so not by a task timeout");
    assertEquals("succeeded", end.getString("state"), end.encode());
    assertTrue(end.getJsonObject("tasksByNode").containsKey(childNodeId), "the killed node had done tasks: " + end.getJsonObject("tasksByNode"));
    WordCountExactnessTest.assertSame(reference, jobs.localResult(id), "job across a kill -9");
    System.out.println("job across kill -9: " + end.getInteger("total") + " partitions, " + end.getInteger("failedAttempts")
        + " failed attempt(s), tasks by node " + end.getJsonObject("tasksByNode") + ", finished " + afterKillMs + " ms after the kill");
  }
}
