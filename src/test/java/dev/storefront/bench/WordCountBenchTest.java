package dev.storefront.bench;

import dev.storefront.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
  @DisplayName("peak heap from a GC log: the largest heap before a collection, or in use at exit (lines of real JVMs)")
  void peakHeap() {
    List<String> g1 = List.of(
        "[0.011s][info][gc] Using G1",
        "[0.494s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 19M->7M(388M) 12.609ms",
        "[1.115s][info][gc] GC(2) Pause Young (Normal) (G1 Evacuation Pause) 21M->11M(388M) 11.781ms",
        "[1.368s][info][gc,heap,exit] Heap",
        "[1.368s][info][gc,heap,exit]  garbage-first heap   total 397312K, used 22697K [0x0000000687400000, 0x0000000800000000)",
        "[1.368s][info][gc,heap,exit]   region size 4096K, 4 young (16384K), 1 survivors (4096K)",
        "[1.368s][info][gc,heap,exit]  Metaspace       used 13597K, committed 13888K, reserved 1114112K",
        "[1.368s][info][gc,heap,exit]   class space    used 1674K, committed 1792K, reserved 1048576K");
    assertEquals(23L, GcLog.peakHeapMb(g1)); // 22697K at exit beats the 21M before GC(2)
    List<String> serial = List.of(
        "[0.007s][info][gc] Using Serial",
        "[0.900s][info][gc] GC(0) Pause Young (Allocation Failure) 1G->120M(1500M) 20.1ms",
        "[1.347s][info][gc,heap,exit] Heap",
        "[1.347s][info][gc,heap,exit]  def new generation   total 116160K, used 84713K [0x0000000687400000, 0x000000068f200000, 0x0000000704d50000)",
        "[1.347s][info][gc,heap,exit]   eden space 103296K,  82% used [0x0000000687400000, 0x000000068c6ba598, 0x000000068d8e0000)",
        "[1.347s][info][gc,heap,exit]  tenured generation   total 258048K, used 40960K [0x0000000704d50000, 0x0000000714950000, 0x0000000800000000)",
        "[1.347s][info][gc,heap,exit]  Metaspace       used 13622K, committed 13888K, reserved 1114112K");
    assertEquals(1024L, GcLog.peakHeapMb(serial)); // the 1G before GC(0) beats 84713K + 40960K at exit
    assertEquals(123L, GcLog.peakHeapMb(serial.subList(2, serial.size()))); // exit only: both generations
    assertNull(GcLog.peakHeapMb(List.of("[0.007s][info][gc] Using Serial"))); // killed before any of it
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

  /** Polls /proc: a signal's effect on another process has no event to wait on. */
  private static void awaitState(long pid, String state) {
    String[] seen = {""};
    boolean reached = Await.eventually(Duration.ofSeconds(5), Duration.ofMillis(10), () -> {
      try {
        seen[0] = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
            .filter(l -> l.startsWith("State:")).findFirst().orElse("");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return seen[0].contains("\t" + state + " ") || seen[0].matches("State:\\s+" + state + "\\b.*");
    });
    if (!reached) {
      throw new AssertionError("process " + pid + " not in state " + state + ": " + seen[0]);
    }
  }

  private static JsonObject job(double seconds, double reduce, long lines) {
    return new JsonObject().put("state", "succeeded").put("seconds", seconds).put("reduceSeconds", reduce).put("lines", lines);
  }
}
