package dev.storefront.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class RampTest {

  private static final long SECOND = 1_000_000_000L;

  @TempDir
  Path tmp;

  private HttpServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("a ramp's requests are evenly spaced within each step, at each step's rate")
  void scheduleOfARamp() {
    RateSchedule ramp = RateSchedule.ramp(100, 400, 4 * SECOND, SECOND);
    assertEquals(4, ramp.steps());
    assertEquals(List.of(100.0, 200.0, 300.0, 400.0), List.of(ramp.rate(0), ramp.rate(1), ramp.rate(2), ramp.rate(3)));
    assertEquals(1000, ramp.count());
    assertEquals(0, ramp.offsetOf(0));
    assertEquals(990_000_000L, ramp.offsetOf(99), 1);
    assertEquals(SECOND, ramp.offsetOf(100), 1, "the first request of step 1 at 1 s");
    assertEquals(SECOND + 5_000_000L, ramp.offsetOf(101), 1, "then every 5 ms at 200 req/s");
    assertEquals(1, ramp.dueAt(0));
    assertEquals(101, ramp.dueAt(SECOND));
    assertEquals(1000, ramp.dueAt(10 * SECOND));
    for (long n = 1; n < ramp.count(); n++) {
      assertTrue(ramp.offsetOf(n) > ramp.offsetOf(n - 1), "increasing at " + n);
      assertEquals(n + 1, ramp.dueAt(ramp.offsetOf(n)), "request " + n + " is due at its own time");
    }
    assertEquals(200.0, ramp.scaled(0.5).rate(3));
    assertEquals(10, RateSchedule.constant(10, SECOND).count());
  }

  @Test
  @DisplayName("--ramp reads FROM..TO/DURATION; steps are whole seconds")
  void parseRamp() {
    Ramp r = Ramp.parse("500..8000/60s", Duration.ofSeconds(1));
    assertEquals(500, r.from());
    assertEquals(8000, r.to());
    assertEquals(Duration.ofSeconds(60), r.duration());
    assertEquals(60, r.schedule().steps());
    assertEquals(8000, r.schedule().rate(59));
    assertThrows(IllegalArgumentException.class, () -> Ramp.parse("500-8000/60s", Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> Ramp.parse("500..8000/60s", Duration.ofMillis(1500)));
    assertThrows(IllegalArgumentException.class, () -> Ramp.parse("500..8000/1s", Duration.ofSeconds(2)));
  }

  @Test
  @DisplayName("the knee is the highest step meeting the objective with throughput within the tolerance of the offered rate")
  void kneeOfSyntheticSteps() {
    RateSchedule ramp = RateSchedule.ramp(100, 400, 4 * SECOND, SECOND);
    int[] served = {100, 200, 250, 250}; // capacity 250 req/s
    long[] latencyMs = {5, 8, 30, 300};
    PhaseStats timed = new PhaseStats("measured", 4 * SECOND, 0);
    for (int step = 0; step < 4; step++) {
      for (int i = 0; i < served[step]; i++) {
        long intended = step * SECOND + i * (SECOND / served[step]);
        long arrival = Math.min(intended + latencyMs[step] * 1_000_000L, (step + 1) * SECOND - 1);
        timed.second(intended).responses++;
        timed.second(intended).recordLatency(latencyMs[step] * 1000);
        timed.second(arrival).completed++;
      }
    }
    Knee byThroughput = Knee.find(timed, ramp, List.of(), 0.05);
    assertEquals(200.0, byThroughput.rate(), "300 and 400 offered, 250 served: beyond the 5% tolerance");
    assertFalse(byThroughput.steps().get(2).meets());
    assertEquals(250, byThroughput.steps().get(2).achievedRps(), 1e-9);

    Knee bySlo = Knee.find(timed, ramp, List.of(Threshold.parse("p99<6ms")), 0.05);
    assertEquals(100.0, bySlo.rate(), "only step 0 has p99 < 6 ms");
    assertTrue(bySlo.describe().contains("knee: 100.0 req/s"), bySlo.describe());

    Knee none = Knee.find(timed, ramp, List.of(Threshold.parse("p99<1ms")), 0.05);
    assertNull(none.rate());
    assertTrue(none.describe().contains("knee: none"), none.describe());
  }

  @Test
  @DisplayName("a ramp against a server of 4 slots x 10 ms (400 req/s) finds a knee just below 400 req/s")
  void kneeOfAServerOfKnownCapacity(Vertx vertx) throws Exception {
    server = vertx.createHttpServer().requestHandler(new SlotServer(vertx, 4, 10)).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    BenchCli.Result r = BenchCli.run("http", "--url", "http://127.0.0.1:" + server.actualPort() + "/", "-c", "32",
        "--warmup", "1s", "--ramp", "150..750/14s", "--ramp-step", "2s", "--slo", "p99<200ms", "--fail-if", "knee<100",
        "--out", tmp.toString(), "--json");
    assertEquals(0, r.code(), r.stderr());
    JsonObject json = new JsonObject(r.stdout());
    JsonObject ramp = json.getJsonObject("ramp");
    assertEquals(ramp.getDouble("kneeRps"), json.getJsonArray("thresholds").getJsonObject(0).getDouble("actual"));
    JsonArray steps = ramp.getJsonArray("steps");
    assertEquals(7, steps.size(), ramp.encodePrettily());
    assertEquals(150.0, steps.getJsonObject(0).getDouble("offeredRps"), 1e-9);
    assertEquals(750.0, steps.getJsonObject(6).getDouble("offeredRps"), 1e-9);
    double knee = ramp.getDouble("kneeRps");
    assertTrue(knee >= 250 && knee <= 350, "knee " + knee + " (expected 350: 450 and more exceed 400 req/s)\n" + ramp.encodePrettily());
    for (int i = 3; i < 7; i++) {
      JsonObject step = steps.getJsonObject(i);
      assertFalse(step.getBoolean("meets"), "beyond capacity: " + step.encode());
      assertTrue(step.getDouble("achievedRps") <= 420, "the server cannot exceed 400 req/s: " + step.encode());
    }
  }
}
