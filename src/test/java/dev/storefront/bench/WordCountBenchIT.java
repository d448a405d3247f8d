package dev.storefront.bench;

import dev.storefront.testing.FatJar;
import dev.storefront.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench wordcount} end to end: it writes the 1-gram file, runs {@code wordcount} in fresh JVMs and jobs on two
 * real {@code serve}s from the fat jar that take turns (the waiting one paused), and reports.
 */
@Tag("database")
class WordCountBenchIT {

  @Test
  @DisplayName("standalone and warm-node comparisons on a generated file: every job counts every line")
  void standaloneAndNode(@TempDir Path dir) throws Exception {
    String jar = FatJar.path().toString();
    String db = TestDatabase.withOneProduct("sf_bench_wordcount_it", 6).uri();

    BenchCli.Result r = BenchCli.run("wordcount", "--jar", jar, "--db-url", db, "--lines", "100000", "--data-dir",
        dir.resolve("data").toString(), "--layouts", "standalone,node", "--warmup", "1", "--pairs", "2",
        "--standalone-pairs", "1", "--out", dir.resolve("out").toString(), "--json");

    assertEquals(0, r.code(), r.both());
    assertTrue(Files.isRegularFile(dir.resolve("data/1gram-100000.tsv")));
    JsonObject report = new JsonObject(r.stdout());
    assertEquals(report.getJsonArray("comparisons"),
        new JsonObject(Files.readString(dir.resolve("out/wordcount.json"))).getJsonArray("comparisons"));
    assertEquals(2, report.getJsonArray("comparisons").size());
    int[] jobs = {1, 2};
    for (int i = 0; i < 2; i++) {
      JsonObject c = report.getJsonArray("comparisons").getJsonObject(i);
      assertNull(c.getString("error"), c.encodePrettily());
      assertEquals(100_000L, c.getLong("lines"), c.encodePrettily());
      for (String w : new String[] {"workers1", "workers2"}) {
        assertEquals(jobs[i], c.getJsonObject(w).getJsonArray("seconds").size(), c.encodePrettily());
        assertTrue(c.getJsonObject(w).getDouble("medianSeconds") > 0, c.encodePrettily());
        assertNotNull(c.getJsonObject(w).getLong("peakRssMb"), c.encodePrettily());
        assertTrue(c.getJsonObject(w).getLong("peakHeapMb") > 0, c.encodePrettily());
      }
      assertTrue(c.getDouble("speedup") > 0, c.encodePrettily());
    }
    assertEquals("node", report.getJsonArray("comparisons").getJsonObject(1).getString("layout"));
    assertTrue(report.getJsonArray("comparisons").getJsonObject(1).getJsonObject("workers2").containsKey("reduceShare"));
    assertTrue(report.getJsonObject("settings").getBoolean("paused"));
  }
}
