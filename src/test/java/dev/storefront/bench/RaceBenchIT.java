package dev.storefront.bench;

import dev.storefront.cluster.JavaCommand;
import dev.storefront.testing.FatJar;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("bench race across real processes")
class RaceBenchIT {

  @Test
  @DisplayName("bench race --processes 2: counter increments and lock-protected updates are exact")
  void raceIsExactWhereItMustBe() throws Exception {
    List<String> command = JavaCommand.jvm().options("-Xmx128m").classpath(FatJar.path().toString(),
        RaceBenchCommand.class.getName(), List.of("--processes", "2", "--increments", "300", "--json", "--timeout-seconds", "240"))
        .toList();
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "bench race did not finish");
    assertEquals(0, p.exitValue(), out);
    JsonObject phases = new JsonObject(out).getJsonObject("phases");
    for (String exact : List.of("b", "c")) {
      JsonObject r = phases.getJsonObject(exact);
      assertEquals(600, r.getLong("expected"));
      assertEquals(600, r.getLong("actual"), exact + ": " + r.encode());
      assertTrue(r.getLong("opsPerSecond") > 0);
    }
    JsonObject unsynchronized = phases.getJsonObject("a");
    assertTrue(unsynchronized.getLong("actual") <= 600 && unsynchronized.getLong("actual") >= 300, unsynchronized.encode());
  }
}
