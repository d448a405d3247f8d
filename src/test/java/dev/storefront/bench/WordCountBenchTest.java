package dev.storefront.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The figures of {@code bench wordcount}, and the pause it puts the waiting Storefront in (a real process). */
class WordCountBenchTest {

  @Test
  @DisplayName("medians, pair ratios and MB/s of a comparison; jobs that disagree on lines are an error")
  void figures(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("f.tsv"), new byte[2_000_000]);
    WordCountBenchCommand.Comparison c = new WordCountBenchCommand.Comparison("node", file);
    double[][] pairs = {{0.9, 0.5}, {0.8, 0.5}, {1.2, 0.6}};
    for (double[] p : pairs) {
      c.add(1, job(p[0], 0.01, 100));
      c.add(2, job(p[1], 0.05, 100));
    }
    JsonObject o = c.toJson();
    assertNull(o.getString("error"));
    assertEquals(0.9, o.getJsonObject("workers1").getDouble("medianSeconds"), 1e-9);
    assertEquals(2.0 / 0.9, o.getJsonObject("workers1").getDouble("mbPerSec"), 1e-9);
    assertEquals(1.8, o.getDouble("speedup"), 1e-9); // ratios 1.8, 1.6, 2.0
    assertEquals(1.6, o.getDouble("speedupMin"), 1e-9);
    assertEquals(0.1, o.getJsonObject("workers2").getDouble("reduceShare"), 1e-9); // 0.05/0.5 twice, 0.05/0.6
    assertEquals(new JsonArray(List.of(0.9, 0.8, 1.2)), o.getJsonObject("workers1").getJsonArray("seconds"));

    c.add(1, job(0.9, 0.01, 99));
    assertTrue(c.toJson().getString("error").contains("counted 100 and 99 lines"), c.toJson().encode());
    assertTrue(WordCountBenchCommand.table(new JsonArray().add(o)).contains("1.80x (1.60-2.00)"));
  }

  @Test
  void medianAndLabels() {
    assertEquals(2.0, WordCountBenchCommand.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.5, WordCountBenchCommand.median(List.of(4.0, 1.0, 2.0, 3.0)));
    assertEquals("40m", WordCountBenchCommand.linesLabel(40_000_000));
    assertEquals("1500", WordCountBenchCommand.linesLabel(1500));
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  @DisplayName("pause stops the process (SIGSTOP) and resumes it (SIGCONT)")
  void pause() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      StorefrontProcess p = new StorefrontProcess(sleeper, 0);
      assertTrue(p.pause(true));
      awaitState(sleeper.pid(), "T");
      assertTrue(p.pause(false));
      awaitState(sleeper.pid(), "S");
    } finally {
      sleeper.destroyForcibly();
    }
  }

  private static void awaitState(long pid, String state) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    String seen = "";
    while (System.nanoTime() < deadline) {
      seen = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
          .filter(l -> l.startsWith("State:")).findFirst().orElse("");
      if (seen.contains("\t" + state + " ") || seen.matches("State:\\s+" + state + "\\b.*")) {
        return;
      }
      Thread.sleep(10); // polling /proc with a deadline: a signal's effect has no event to wait on
    }
    throw new AssertionError("process " + pid + " not in state " + state + ": " + seen);
  }

  private static JsonObject job(double seconds, double reduce, long lines) {
    return new JsonObject().put("state", "succeeded").put("seconds", seconds).put("reduceSeconds", reduce).put("lines", lines);
  }
}
