package dev.storefront.supervisor;

import dev.storefront.cluster.FreePorts;
import dev.storefront.testing.FatJar;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real jar, given a user's mistakes: each ends with one clear line on its own and a non-zero exit code, never a
 * stack trace; with {@code --log-format json} the log lines of serve's nodes are JSON objects naming the node.
 */
class UserMistakesIT {

  private record Run(int code, List<String> lines) {
    String last() {
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    void noStackTrace() {
      for (String line : lines) {
        assertFalse(line.startsWith("\tat ") || line.contains("Exception in thread") || line.matches("^\\s+at [a-z].*"),
            "a stack trace in the output: " + String.join("\n", lines));
      }
    }
  }

  private static Run run(String... args) throws Exception {
    // C1 only: these JVMs live a few seconds, and start about a third sooner without C2
    List<String> command = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1", "-jar", FatJar.path().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "still running: " + command);
    return new Run(p.exitValue(), out.lines().toList());
  }

  @Test
  @DisplayName("serve on a port another program holds: one line naming the port, exit 2 without restarts; nodes log JSON")
  void portInUse() throws Exception {
    try (ServerSocket held = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = held.getLocalPort();
      Run r = run("serve", "--processes", "1", "--port", String.valueOf(port), "--log-format", "json",
          "--set", "management.port=0", "--set", "node.jvmOptions=-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1", "--set", "db.url=postgresql://postgres@127.0.0.1:" + FreePorts.any() + "/none");
      r.noStackTrace();
      assertEquals(2, r.code(), String.join("\n", r.lines()));
      assertTrue(r.lines().stream().anyMatch(l -> l.contains("cannot listen on 127.0.0.1:" + port)), String.join("\n", r.lines()));
      assertFalse(r.lines().stream().anyMatch(l -> l.contains("restarting in")), String.join("\n", r.lines()));
      // the supervisor passed --log-format down: the node's log lines are JSON objects with its name, unprefixed
      List<JsonObject> nodeLogs = r.lines().stream().filter(l -> l.startsWith("{")).map(JsonObject::new)
          .filter(j -> "node-1".equals(j.getString("node"))).toList();
      assertFalse(nodeLogs.isEmpty(), String.join("\n", r.lines()));
      nodeLogs.forEach(j -> assertTrue(j.containsKey("message") && j.containsKey("level") && j.containsKey("@timestamp"), j.encode()));
    }
  }

  @Test
  @DisplayName("a node with db.failFast and no PostgreSQL: one line naming where it looked, exit 1")
  void databaseUnreachable() throws Exception {
    int nowhere = FreePorts.any();
    Run r = run("node", "--set", "management.port=0", "--set", "http.port=" + FreePorts.any(), "--set", "db.failFast=true",
        "--set", "db.connectTimeoutMs=2000", "--set", "db.url=postgresql://postgres@127.0.0.1:" + nowhere + "/none");
    r.noStackTrace();
    assertEquals(1, r.code(), String.join("\n", r.lines()));
    assertTrue(r.last().startsWith("storefront: PostgreSQL at 127.0.0.1:" + nowhere + " does not answer"), r.last());
  }

  @Test
  @DisplayName("a missing file and an invalid setting: one line each, exit 2")
  void usageMistakes() throws Exception {
    Run file = run("wordcount", "target/no-such-file.tsv");
    assertEquals(List.of("storefront: no such file: target/no-such-file.tsv (see: storefront wordcount --help)"), file.lines());
    assertEquals(2, file.code());
    Run setting = run("serve", "--set", "http.port=eighty");
    assertEquals(List.of("storefront: invalid setting 'http.port': expected an integer, got 'eighty' (command-line override http.port)"),
        setting.lines());
    assertEquals(2, setting.code());
  }
}
