package dev.storefront.jobs;

import dev.storefront.cluster.FreePorts;
import dev.storefront.config.Settings;
import dev.storefront.http.ErrorHandler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link JobApiClient} against real nodes (job service and routes on a free port): a healthy one, one whose map
 * tasks stall until they time out, and one without a job service or without job routes.
 */
class JobApiClientTest {

  @TempDir
  static Path dir;
  private static ReferenceCount reference;
  private static Vertx healthy;
  private static Vertx stalling;
  private static Vertx bare;
  private static String healthyUrl;
  private static String stallingUrl;

  @BeforeAll
  static void start() throws Exception {
    reference = ReferenceCount.of(JobsTesting.generate(dir.resolve("ngrams.tsv"), 60_000, 4));
    Settings settings = Settings.defaults().with("jobs.dataDir", dir.toString()).with("jobs.workersPerNode", 2);
    healthy = Vertx.vertx();
    healthyUrl = "http://127.0.0.1:" + JobsTesting.serve(healthy, settings);
    stalling = Vertx.vertx();
    stallingUrl = "http://127.0.0.1:" + JobsTesting.serve(stalling, settings.with("jobs.faultInjection", "stall:0")
        .with("jobs.taskTimeoutMs", 3000).with("jobs.maxAttempts", 1));
    bare = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    for (Vertx v : new Vertx[] {healthy, stalling, bare}) {
      if (v != null) {
        await(v.close());
      }
    }
  }

  private static JsonObject job(long partitionBytes) {
    return new JsonObject().put("source", new JsonObject().put("type", "ngrams").put("path", "ngrams.tsv"))
        .put("partitionBytes", partitionBytes);
  }

  /** An HTTP server on {@code bare} (no job service) with the error handler and, if asked, the job routes. */
  private static String bareNode(boolean jobRoutes) {
    Router router = Router.router(bare);
    if (jobRoutes) {
      JobRoutes.mount(router, bare, Settings.defaults());
    }
    ErrorHandler.install(router);
    return "http://127.0.0.1:" + await(bare.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")).actualPort();
  }

  @Test
  @DisplayName("a submitted job is followed on its events until it succeeds: every state reaches progress, the last one is returned")
  void followsToSuccess() throws Exception {
    List<JsonObject> states = new CopyOnWriteArrayList<>();
    JsonObject end = new JobApiClient(healthyUrl + "/").run(job(20_000), states::add);
    assertEquals("succeeded", end.getString("state"), end.encode());
    assertNull(end.getString("error"));
    assertEquals(reference.total(), end.getLong("totalCount"));
    assertEquals(end.getInteger("total"), end.getInteger("done"));
    assertTrue(end.getDouble("elapsedSeconds") >= 0, end.encode());
    assertTrue(end.getJsonObject("source").getString("path").endsWith("ngrams.tsv"), "the job run is the one sent: " + end);
    assertFalse(states.isEmpty());
    assertEquals(end, states.get(states.size() - 1));
    long previous = -1;
    for (JsonObject s : states) {
      assertEquals(end.getLong("id"), s.getLong("id"));
      long done = s.getLong("done", 0L);
      assertTrue(done >= previous, "progress never goes back: " + states);
      previous = done;
    }
  }

  @Test
  @DisplayName("a job that fails ends the run with its failed state and the error")
  void failedJob() throws Exception {
    JsonObject end = new JobApiClient(stallingUrl).run(job(0), s -> { });
    assertEquals("failed", end.getString("state"), end.encode());
    assertTrue(end.getString("error").contains("timed out"), end.encode());
  }

  @Test
  @DisplayName("a job not ended by the deadline ends the run with an error naming the job, not a hang")
  void deadline() throws Exception {
    long t0 = System.nanoTime();
    JsonObject end = new JobApiClient(stallingUrl, Duration.ofMillis(1000)).run(job(0), s -> { });
    assertTrue(System.nanoTime() - t0 < Duration.ofMillis(2900).toNanos(), "gave up before the job failed: " + end);
    assertNull(end.getString("state"), end.encode());
    assertTrue(end.getString("error").contains("not finished within"), end.encode());
    assertTrue(end.getString("error").contains("job " + end.getLong("id")), end.encode());
  }

  @Test
  @DisplayName("a Storefront without the job API or without a job service refuses the job: the error names the status, no job started")
  void refused() throws Exception {
    JsonObject noApi = new JobApiClient(bareNode(false)).run(job(0), s -> { });
    assertTrue(noApi.getString("error").contains("404"), noApi.encode());
    assertNull(noApi.getValue("id"), noApi.encode());
    JsonObject noService = new JobApiClient(bareNode(true)).run(job(0), s -> { });
    assertTrue(noService.getString("error").contains("503"), noService.encode());
    assertNull(noService.getValue("id"), noService.encode());
  }

  @Test
  @DisplayName("an unreachable Storefront gives an error saying so, not an exception")
  void unreachable() throws Exception {
    JsonObject r = new JobApiClient("http://127.0.0.1:" + FreePorts.any()).run(job(0), s -> { });
    assertTrue(r.getString("error").contains("unreachable"), r.encode());
    assertNull(r.getValue("id"), r.encode());
  }
}
