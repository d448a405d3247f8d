package dev.storefront.jobs;

import dev.storefront.config.Settings;
import dev.storefront.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node reuses the reduce tables of the results it no longer keeps, and counts exactly with them. */
class TableReuseTest {

  @TempDir
  static Path dir;
  private static Vertx vertx;

  @AfterAll
  static void close() {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  private static Set<WordCounts> identities(WordCounts[] tables) {
    Set<WordCounts> set = Collections.newSetFromMap(new IdentityHashMap<>());
    set.addAll(List.of(tables));
    return set;
  }

  @Test
  @DisplayName("the tables of an evicted result serve a later job, which still counts exactly (big file, then small)")
  void evictedTablesAreReused() throws Exception {
    Path big = JobsTesting.generate(dir.resolve("big.tsv"), 60_000, 11);
    Path small = JobsTesting.generate(dir.resolve("small.tsv"), 15_000, 12);
    ReferenceCount bigRef = ReferenceCount.of(big);
    ReferenceCount smallRef = ReferenceCount.of(small);
    vertx = Vertx.vertx();
    await(JobService.deploy(vertx, Settings.defaults().with("jobs.workersPerNode", 2)));
    JobService jobs = JobService.of(vertx);
    List<Set<WordCounts>> tablesOf = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      boolean isBig = i % 2 == 0;
      if (i >= KeptResults.KEPT_RESULTS + 1) { // job i - 3 was evicted when job i - 1 ended: its tables come back
        int shards = tablesOf.get(0).size();
        assertTrue(Await.eventually(Duration.ofSeconds(10), () -> jobs.tablePool().spare() == shards),
            "the evicted result's tables were never given back: " + jobs.tablePool().spare() + " spare");
      }
      JsonObject end = await(jobs.run(JobSpec.file(isBig ? big : small, 64 * 1024)));
      assertEquals("succeeded", end.getString("state"), end.encode());
      WordCountResult r = jobs.localResult(end.getLong("id"));
      WordCountExactnessTest.assertSame(isBig ? bigRef : smallRef, r, "job " + i);
      tablesOf.add(identities(r.shards()));
      if (i >= KeptResults.KEPT_RESULTS + 1) {
        assertEquals(tablesOf.get(i - KeptResults.KEPT_RESULTS - 1), tablesOf.get(i),
            "job " + i + " reduced into the tables of job " + (i - KeptResults.KEPT_RESULTS - 1));
      }
    }
  }
}
