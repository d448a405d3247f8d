package dev.storefront.db;

import dev.storefront.bench.StorefrontProcess;
import dev.storefront.cluster.FreePorts;
import dev.storefront.testing.Await;
import dev.storefront.testing.FatJar;
import dev.storefront.testing.RestartablePostgres;
import dev.storefront.testing.SteadyLoad;
import dev.storefront.testing.TestCluster;
import dev.storefront.testing.TestDatabase;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL restarted under steady load, against {@code serve} with real node JVMs: a PostgreSQL of the test's own
 * (embedded, fixed port and data directory) is stopped, kept down while clients keep asking, and started again.
 * Untagged: it never uses the shared test PostgreSQL of {@link dev.storefront.testing.TestDatabase#server()}.
 */
class DatabaseRestartIT {

  private static final String DB = "sf_restart_it";
  private static final int CLIENTS = 4;

  @TempDir
  Path dir;

  @Test
  @DisplayName("PostgreSQL restarted under load: 503 with Retry-After while it is down, never a 500 or a hang; no node exits; "
      + "serving resumes within 5 s of the restart; pg_stat_activity counts the same connections before and after")
  void restartUnderLoad() throws Exception {
    try (RestartablePostgres pg = TestDatabase.restartable(dir.resolve("pg"))) {
      DatabaseUrl db = TestDatabase.withOneProduct(pg.url(), DB, 10);
      int port = FreePorts.any();
      List<String> args = new ArrayList<>(List.of("serve", "--processes", "1", "--event-loops", "2",
          "--port", String.valueOf(port), "--db-url", db.uri()));
      args.addAll(TestCluster.isolated("restart-it-" + port, 16400));
      args.addAll(TestCluster.quickStartNodes());
      try (StorefrontProcess serve = StorefrontProcess.start(FatJar.path(), args, port)) {
        assertTrue(serve.awaitLine("Storefront ready", Duration.ofSeconds(90)), serve.output());
        List<Long> nodes = serve.nodePids();
        SteadyLoad load = SteadyLoad.start("127.0.0.1", port, CLIENTS, 5, 10_000,
            i -> i % 10 == 9 ? "/health/ready" : "/products/100");
        List<SteadyLoad.Outcome> outcomes;
        long stoppedAt;
        long startedAt;
        long connectionsBefore;
        try {
          assertTrue(Await.eventually(Duration.ofSeconds(30), () -> load.answered() >= 300), "the load never got going");
          connectionsBefore = connections(pg);
          stoppedAt = System.nanoTime();
          pg.stop();
          // down until the clients have seen the outage: 100 answers after the stop
          assertTrue(Await.eventually(Duration.ofSeconds(20), Duration.ofMillis(20),
              () -> load.outcomes().stream().filter(o -> o.startNanos() > stoppedAt).count() >= 100), "no answers during the outage");
          pg.start();
          startedAt = System.nanoTime();
          assertTrue(Await.eventually(Duration.ofSeconds(10), Duration.ofMillis(20),
              () -> load.outcomes().stream().filter(o -> o.startNanos() > startedAt && o.ok()).count() >= 200),
              "not serving 10 s after the restart");
        } finally {
          outcomes = load.stop();
        }
        Map<Integer, Long> byStatus = outcomes.stream().collect(Collectors.groupingBy(SteadyLoad.Outcome::status,
            TreeMap::new, Collectors.counting()));
        for (SteadyLoad.Outcome o : outcomes) {
          assertTrue(o.status() == 200 || o.status() == 503, "only 200 or 503, got " + o + "; all: " + byStatus);
          if (o.status() == 503) {
            assertTrue(o.retryAfter() != null, "a 503 without Retry-After: " + o);
          }
        }
        List<SteadyLoad.Outcome> unavailable = outcomes.stream().filter(o -> o.status() == 503).toList();
        assertTrue(unavailable.size() > 0, "the outage was seen: " + byStatus);
        double slowest503 = unavailable.stream().mapToDouble(SteadyLoad.Outcome::millis).max().orElse(0);
        assertTrue(slowest503 < 6000, "a 503 took " + slowest503 + " ms");
        double firstOkAfter = outcomes.stream().filter(o -> o.ok() && o.startNanos() > startedAt)
            .mapToLong(SteadyLoad.Outcome::endNanos).min().orElseThrow() - startedAt;
        long lastFailure = outcomes.stream().filter(o -> !o.ok() && o.startNanos() > startedAt)
            .mapToLong(SteadyLoad.Outcome::endNanos).max().orElse(startedAt);
        double servingAfterMs = Math.max(firstOkAfter, lastFailure - startedAt) / 1e6;
        assertTrue(servingAfterMs < 5000, "503s until " + servingAfterMs + " ms after the restart");
        assertEquals(nodes, serve.nodePids(), "no node restarted:\n" + serve.output());
        for (long pid : nodes) {
          assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "node " + pid + " exited");
        }
        long[] after = {-1};
        assertTrue(Await.eventually(Duration.ofSeconds(10), () -> (after[0] = connections(pg)) == connectionsBefore),
            "pg_stat_activity: " + connectionsBefore + " connections of the service before, " + after[0] + " after");
        System.out.printf("PostgreSQL restarted under load (%d clients, serve 1 x 2): answers by status %s; slowest 503 %.0f ms; "
                + "down %.1f s; serving fully again %.0f ms after the restart; %d connections before and after%n",
            CLIENTS, byStatus, slowest503, (startedAt - stoppedAt) / 1e9, servingAfterMs, connectionsBefore);
      }
    }
  }

  /** Connections to the test database named by the service ({@code application_name}), counted from another database. */
  private static long connections(RestartablePostgres pg) {
    return TestDatabase.queryLong(pg.url(), "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + DB
        + "' AND application_name = '" + PgClientOptions.APPLICATION_NAME + "'");
  }
}
