package dev.storefront.jobs;

import dev.storefront.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Retries through the fault-injection setting: a failing or stalling first attempt still gives the exact count. */
class JobFaultsTest {

  @TempDir
  static Path dir;
  private static Path file;
  private static ReferenceCount reference;
  private Vertx vertx;

  @BeforeAll
  static void data() throws Exception {
    file = JobsTesting.generate(dir.resolve("ngrams.tsv"), 100_000, 5);
    reference = ReferenceCount.of(file);
  }

  @AfterEach
  void close() {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  private JsonObject run(Settings settings) {
    vertx = Vertx.vertx();
    await(JobService.deploy(vertx, settings.with("jobs.workersPerNode", 2)));
    JobService jobs = JobService.of(vertx);
    return await(jobs.run(JobSpec.file(file, 40_000)));
  }

  private void assertExact(JsonObject end) {
    assertEquals("succeeded", end.getString("state"), end.encode());
    WordCountResult r = JobService.of(vertx).localResult(end.getLong("id"));
    WordCountExactnessTest.assertSame(reference, r, "job " + end.getLong("id"));
    assertEquals(r.partitions(), end.getInteger("done"));
  }

  @Test
  @DisplayName("a map task that fails on its first attempt is retried and the count is exact")
  void failedTaskIsRetried() {
    JsonObject end = run(Settings.defaults().with("jobs.faultInjection", "fail:3"));
    assertExact(end);
    assertEquals(1, end.getInteger("failedAttempts"));
  }

  @Test
  @DisplayName("a map task that stalls times out, is retried elsewhere and the count is exact")
  void stalledTaskTimesOut() {
    JsonObject end = run(Settings.defaults().with("jobs.faultInjection", "stall:0").with("jobs.taskTimeoutMs", 1500));
    assertExact(end);
    assertEquals(1, end.getInteger("failedAttempts"));
  }

  @Test
  @DisplayName("a partition that fails every allowed attempt fails the job with an error naming it and the cause")
  void exhaustedAttemptsFailTheJob() {
    JsonObject end = run(Settings.defaults().with("jobs.faultInjection", "fail:2").with("jobs.maxAttempts", 1));
    assertEquals("failed", end.getString("state"), end.encode());
    String error = end.getString("error");
    assertTrue(error.contains("partition 2") && error.contains("injected failure"), error);
  }
}
