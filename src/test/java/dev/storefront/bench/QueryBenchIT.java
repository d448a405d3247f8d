package dev.storefront.bench;

import dev.storefront.testing.FatJar;
import dev.storefront.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench queries}' parent/child protocol with real child JVMs of the fat jar against the real PostgreSQL. */
@Tag("database")
class QueryBenchIT {

  /** Product 100's SKUs in the test database. */
  private static final int SKUS = 6;
  private static String jar;
  private static String dbUrl;

  @BeforeAll
  static void setUp() {
    jar = FatJar.path().toString();
    dbUrl = TestDatabase.withOneProduct("sf_bench_queries_it", SKUS).uri();
  }

  @Test
  @DisplayName("two child processes each run their queries after the common go, and the parent adds them up")
  void twoProcessesAggregate() throws Exception {
    QueryBench.Result r = QueryBench.run(new QueryBench.Plan(dbUrl, 2, 3, 500, 100, 500, 0, 120_000), jar);

    assertEquals(2, r.perProcess().size());
    assertEquals(1000, r.totalQueries());
    assertEquals(0, r.errors());
    assertEquals(1000L * SKUS, r.rows(), "every query returned product 100's SKUs");
    for (int i = 0; i < 2; i++) {
      JsonObject p = r.perProcess().get(i);
      assertEquals(i, p.getInteger("process"));
      assertEquals(3, p.getInteger("connections"));
      assertTrue(p.getDouble("seconds") > 0 && p.getDouble("seconds") <= r.seconds(),
          "each child's time lies within the parent's wall time from go: " + r.describe());
    }
    assertEquals(r.totalQueries() / r.seconds(), r.queriesPerSecond(), 1e-6);
    assertTrue(r.seconds() < 30, "JVM start-up is not measured: " + r.describe());
  }

  @Test
  @DisplayName("with a duration, each child keeps its queries in flight for the window and the rates add up")
  void durationModeSumsRates() throws Exception {
    QueryBench.Result r = QueryBench.run(new QueryBench.Plan(dbUrl, 2, 1, 50, 100, 500, 1500, 120_000), jar);

    assertEquals(0, r.errors());
    assertTrue(r.totalQueries() > 100, "both children kept querying for the window: " + r.describe());
    assertEquals(r.totalQueries() * SKUS, r.rows(), "only whole answers are counted");
    double sum = 0;
    for (JsonObject p : r.perProcess()) {
      assertEquals(1.5, p.getDouble("seconds"), 1e-9, "the rate is over the window, not the drain after it");
      assertTrue(p.getLong("queries") > 0, r.describe());
      sum += p.getLong("queries") / 1.5;
    }
    assertEquals(sum, r.queriesPerSecond(), 1e-6);
    assertTrue(r.seconds() >= 1.5, "the parent waited for the window: " + r.describe());
  }

  @Test
  @DisplayName("a child that cannot reach its database makes the run fail with the child's reason")
  void childFailureIsReported() {
    String missing = TestDatabase.server().withDatabase("sf_bench_no_such_db").uri();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> QueryBench.run(new QueryBench.Plan(missing, 2, 1, 10, 100, 0, 0, 60_000), jar));
    assertTrue(e.getMessage().contains("failed") && e.getMessage().contains("sf_bench_no_such_db"), e.getMessage());
  }
}
