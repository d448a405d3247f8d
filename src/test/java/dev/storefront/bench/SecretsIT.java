package dev.storefront.bench;

import dev.storefront.cluster.JavaCommand;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.testing.FatJar;
import dev.storefront.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A database password given to {@code bench queries} shows in none of its output and in no command line of the
 * processes it starts ({@code /proc/PID/cmdline}, readable by every user of the machine); ServeIT checks the same of
 * {@code serve} started through the launcher the bench commands use. The test PostgreSQL trusts local connections,
 * so the password is carried along but never checked: the queries answering prove it arrived.
 */
@Tag("database")
class SecretsIT {

  private static final String SECRET = "Pw-" + UUID.randomUUID().toString().substring(0, 12);
  private static DatabaseUrl db;

  @BeforeAll
  static void setUp() {
    DatabaseUrl plain = TestDatabase.withOneProduct("sf_secrets_it", 3);
    db = new DatabaseUrl(plain.host(), plain.port(), plain.database(), plain.user(), SECRET);
    assertTrue(db.uri().contains(SECRET), db.display());
  }

  @Test
  @DisplayName("bench queries --db-url with a password: its JSON output and its child process's command line never show it")
  void benchQueries() throws Exception {
    List<String> args = new ArrayList<>(List.of("bench", "queries", "--processes", "1", "--connections", "1",
        "--queries", "8", "--warmup", "1s", "--duration", "1s", "--max-error-rate", "1", "--json", "--db-url", db.uri()));
    Process p = JavaCommand.jvm().options("-Xmx128m").jar(FatJar.path(), args).processBuilder()
        .redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> {
      try {
        p.getInputStream().transferTo(out);
      } catch (IOException e) {
        // the process ended
      }
    });
    reader.start();
    // bench's own command line holds the password (it was given there); a child caught between fork and exec
    // still shows that one, so only other command lines count
    String own = cmdline(p.pid());
    Map<Long, Set<String>> children = new HashMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (p.isAlive() && System.nanoTime() < deadline) {
      for (ProcessHandle c : p.descendants().toList()) {
        String line = cmdline(c.pid());
        if (!line.isEmpty() && !line.equals(own)) {
          children.computeIfAbsent(c.pid(), k -> new HashSet<>()).add(line);
        }
      }
      p.waitFor(20, TimeUnit.MILLISECONDS);
    }
    assertTrue(p.waitFor(1, TimeUnit.SECONDS), "bench queries ended within 60 s");
    reader.join(5000);
    String output = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), output);
    assertTrue(children.values().stream().filter(c -> c.stream().anyMatch(l -> l.contains("QueryBenchChild"))).count() >= 1,
        "the query process seen: " + children);
    children.forEach((pid, lines) -> lines.forEach(c -> assertFalse(c.contains(SECRET), "child " + pid + ": " + c)));
    assertFalse(output.contains(SECRET), output);
    assertTrue(output.contains(db.display()), "the JSON names the database, masked: " + output);
  }

  /** The command line of a live process, its words joined by spaces ("" once it has gone). */
  static String cmdline(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
          .replace('\0', ' ').trim();
    } catch (IOException e) {
      return "";
    }
  }
}
