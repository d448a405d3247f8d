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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench scaling} end to end: a real Storefront from the fat jar, real load, real query processes. */
@Tag("database")
class ScalingIT {

  @Test
  @DisplayName("a one-configuration sweep starts Storefront, measures it, stops it, and writes the report")
  void oneConfiguration(@TempDir Path out) throws Exception {
    String jar = FatJar.path().toString();
    String db = TestDatabase.withOneProduct("sf_bench_scaling_it", 6).uri();

    BenchCli.Result r = BenchCli.run("scaling", "--jar", jar, "--db-url", db, "--max-processes", "1", "--event-loops-list", "1",
        "-d", "1s", "--warmup", "1s", "-c", "4", "--ids", "100..100", "--queries", "200", "--out", out.toString(), "--json",
        "--ramp", "20..60/2s", "--ramp-step", "1s", "--slo", "p99<2s");

    assertEquals(0, r.code(), r.both());
    JsonObject report = new JsonObject(r.stdout());
    JsonObject run = report.getJsonArray("runs").getJsonObject(0);
    assertEquals(null, run.getString("error"), run.encodePrettily());
    assertTrue(run.getJsonObject("http").getLong("requests") > 0, run.encodePrettily());
    assertEquals(0L, run.getJsonObject("http").getJsonObject("errors").getLong("status4xx"));
    assertEquals(200L, run.getJsonObject("queries").getLong("totalQueries"));
    JsonObject knee = run.getJsonObject("knee");
    assertEquals(2, knee.getJsonArray("steps").size(), knee.encodePrettily());
    assertTrue(knee.getDouble("kneeRps") != null && knee.getDouble("kneeRps") >= 20, "a knee at 20-60 req/s: " + knee.encodePrettily());
    assertTrue(run.getJsonObject("wordcount").getString("status").matches("ok|skipped|failed"), run.encodePrettily());
    assertTrue(Files.readString(out.resolve("scaling.html")).contains("<svg"));
    assertEquals(report.getJsonArray("runs"), new JsonObject(Files.readString(out.resolve("scaling.json"))).getJsonArray("runs"));
  }
}
