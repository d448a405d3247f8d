package dev.storefront.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunComparisonTest {

  private static final long SECOND = 1_000_000_000L;

  @TempDir
  Path tmp;

  /** A 10 s open-model run at 200 req/s whose latencies are {@code baseMs} plus up to {@code jitterMs}. */
  private static JsonObject run(String url, double baseMs, double jitterMs, long seed) {
    LoadConfig config = new LoadConfig(url, 4, 1, Duration.ofSeconds(10), Duration.ZERO, 200, 1, 1, Duration.ofSeconds(1));
    PhaseStats measured = new PhaseStats("measured", 10 * SECOND, 0);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 2000; i++) {
      long intended = i * (SECOND / 200);
      long latency = (long) ((baseMs + random.nextDouble() * jitterMs) * 1_000_000);
      measured.response(intended, intended + latency, 200, null);
    }
    return new LoadResult(config, null, measured, 0.1, 1).toJson().put("machine", MachineInfo.current().toJson());
  }

  private static RunComparison.Row row(RunComparison c, String metric) {
    return c.rows().stream().filter(r -> r.metric().equals(metric)).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("the same server twice is within noise; latency 3 ms higher than the seconds' spread is beyond it")
  void verdicts() {
    JsonObject a = run("http://h/p", 5, 2, 1);
    RunComparison same = RunComparison.of(a, run("http://h/p", 5, 2, 2));
    for (String metric : new String[] {"p50 ms", "p99 ms", "req/s"}) {
      assertFalse(row(same, metric).verdict().beyondNoise(), metric + ": " + same.describe());
    }
    assertTrue(same.warnings().isEmpty(), same.warnings().toString());

    RunComparison slower = RunComparison.of(a, run("http://h/p", 8, 2, 3));
    assertTrue(row(slower, "p50 ms").verdict().beyondNoise(), slower.describe());
    assertTrue(row(slower, "p99 ms").verdict().beyondNoise(), slower.describe());
    assertEquals(50, row(slower, "p50 ms").changePercent(), 3, "medians 6 ms and 9 ms: +50%");
    assertFalse(row(slower, "req/s").verdict().beyondNoise(), "the same offered rate, all answered");
    assertNull(row(slower, "max ms").verdict(), "a maximum is one value per run");
    assertTrue(slower.describe().contains("beyond noise"), slower.describe());

    RunComparison elsewhere = RunComparison.of(a, run("http://other/p", 5, 2, 4));
    assertTrue(elsewhere.warnings().stream().anyMatch(w -> w.contains("url")), elsewhere.warnings().toString());
  }

  @Test
  @DisplayName("Welch's t: equal samples give 0, a clear shift is beyond the 95% line, fewer than 3 seconds are not judged")
  void welch() {
    double[] a = {10, 11, 9, 10, 10, 11, 9};
    assertEquals(0, RunComparison.verdict(a, a).t(), 1e-12);
    assertTrue(RunComparison.verdict(a, new double[] {14, 15, 13, 14, 14, 15, 13}).beyondNoise());
    assertFalse(RunComparison.verdict(a, new double[] {10.5, 11.5, 9.5, 10.5, 10.5, 11.5, 9.5}).beyondNoise());
    assertTrue(RunComparison.verdict(a, new double[] {10, 11}).text().startsWith("too few seconds"));
    assertEquals(12.706, RunComparison.critical(1), 1e-9);
    assertEquals(1.96, RunComparison.critical(500), 1e-9);
  }

  @Test
  @DisplayName("bench compare A B prints the table (exit 0); a file that is not a run is a usage error (exit 2)")
  void command() throws Exception {
    Path a = Files.writeString(tmp.resolve("a.json"), run("http://h/p", 5, 2, 1).encode());
    Files.createDirectories(tmp.resolve("b"));
    Files.writeString(tmp.resolve("b").resolve("result.json"), run("http://h/p", 8, 2, 3).encode());
    BenchCli.Result r = BenchCli.run("compare", a.toString(), tmp.resolve("b").toString());
    assertEquals(0, r.code(), r.both());
    assertTrue(r.stdout().contains("p99 ms") && r.stdout().contains("beyond noise"), r.stdout());
    BenchCli.Result json = BenchCli.run("compare", a.toString(), a.toString(), "--json");
    assertEquals(0, json.code(), json.both());
    assertEquals(0.0, new JsonObject(json.stdout()).getJsonArray("rows").getJsonObject(0).getDouble("changePercent"));
    Path notARun = Files.writeString(tmp.resolve("c.json"), "{\"command\": \"bench queries\"}");
    assertEquals(2, BenchCli.run("compare", a.toString(), notARun.toString()).code());
    assertEquals(2, BenchCli.run("compare", a.toString(), tmp.resolve("missing.json").toString()).code());
  }
}
