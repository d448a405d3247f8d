package dev.storefront.node;

import org.junit.jupiter.api.Tag;
import dev.storefront.testing.Await;
import dev.storefront.cluster.FreePorts;
import dev.storefront.config.Settings;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.db.PgClientOptions;
import dev.storefront.testing.TestDatabase;
import dev.storefront.testing.Http;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No wait on PostgreSQL is unbounded: statement_timeout is sent at connect and PostgreSQL cancels a statement running
 * past it (a catalog request then answers 503 at once), and a pool's wait queue is bounded.
 */
@Tag("database")
class BoundedWaitsTest {

  private static final String DB = "sf_bounded_waits_test";
  private static DatabaseUrl db;
  private static Vertx vertx;
  private static Http http;
  private static Settings settings;

  @BeforeAll
  static void deploy() throws Exception {
    db = TestDatabase.withSampleData(DB);
    int port = FreePorts.any();
    vertx = Vertx.vertx();
    settings = Settings.defaults().with("db.url", db.uri()).with("http.port", port).with("db.statementTimeoutMs", 300)
        .with("catalog.brandCacheSeconds", 0);
    await(vertx.deployVerticle(() -> new HttpVerticle((r, s) -> { }, () -> { }),
        new DeploymentOptions().setInstances(1).setConfig(settings.toJson())));
    http = new Http(port);
  }

  @AfterAll
  static void close() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("the connect options carry statement_timeout, application_name and the client's own defaults; the pool's wait queue and connect wait are bounded")
  void options() {
    PgConnectOptions connect = PgClientOptions.connect(settings);
    assertEquals("300", connect.getProperties().get("statement_timeout"));
    assertEquals("storefront", connect.getProperties().get("application_name"));
    assertEquals("utf8", connect.getProperties().get("client_encoding"), "the client's default properties are kept");
    assertEquals(5000, PgClientOptions.net(settings).getConnectTimeout());
    assertEquals(256, PgClientOptions.pool(settings, 4).getMaxWaitQueueSize());
    assertEquals(5000, PgClientOptions.pool(settings, 4).getConnectionTimeout());
    assertFalse(PgClientOptions.connect(settings.with("db.statementTimeoutMs", 0)).getProperties().containsKey("statement_timeout"));
  }

  @Test
  @DisplayName("PostgreSQL cancels a query running past db.statementTimeoutMs (SQLSTATE 57014) and the connection stays usable")
  void slowQueryIsCancelledByTheServer() throws Exception {
    PgConnection conn = await(PgConnection.connect(vertx, PgClientOptions.connect(settings)));
    try {
      assertEquals("300ms", await(conn.query("SHOW statement_timeout").execute()).iterator().next().getString(0));
      long t0 = System.nanoTime();
      ExecutionException e = assertThrows(ExecutionException.class, () -> await(conn.query("SELECT pg_sleep(10)").execute()));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(PgClientOptions.isStatementTimeout(e.getCause()), e.getCause().toString());
      assertTrue(ms < 3000, "cancelled after " + ms + " ms");
      assertEquals(0L, activeSleeps(), "no pg_sleep left running on the server");
      assertEquals(1, await(conn.query("SELECT 1").execute()).iterator().next().getInteger(0), "the connection is still usable");
    } finally {
      await(conn.close());
    }
  }

  @Test
  @DisplayName("a catalog request whose query waits behind a lock is a 503 with Retry-After once PostgreSQL cancels it, and the node serves again after")
  void blockedCatalogQueryIsA503() throws Exception {
    assertEquals(200, http.get("/products/1").statusCode());
    try (Connection lock = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement st = lock.createStatement()) {
      lock.setAutoCommit(false);
      st.execute("LOCK TABLE product IN ACCESS EXCLUSIVE MODE");
      long t0 = System.nanoTime();
      HttpResponse<String> r = http.get("/products/1");
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals(503, r.statusCode(), r.body());
      assertEquals("1", r.headers().firstValue("retry-after").orElse(null));
      JsonObject body = Http.json(r);
      assertEquals("unavailable", body.getString("error"));
      assertTrue(body.getString("message").contains("db.statementTimeoutMs"), body.encode());
      assertTrue(ms < 3000, "answered after " + ms + " ms");
      assertEquals(0L, TestDatabase.queryLong(TestDatabase.server(), "SELECT count(*) FROM pg_stat_activity WHERE datname = '"
          + DB + "' AND application_name = 'storefront' AND wait_event_type = 'Lock'"), "the blocked query was cancelled server-side");
      lock.rollback();
    }
    assertTrue(Await.eventually(Duration.ofSeconds(5), () -> http.get("/products/1").statusCode() == 200));
  }

  @Test
  @DisplayName("a pool queues at most db.maxWaitQueueSize requests for a connection; the next one fails at once")
  void poolWaitQueueIsBounded() throws Exception {
    Settings s = settings.with("db.maxWaitQueueSize", 1).with("db.statementTimeoutMs", 5000);
    Pool pool = PgBuilder.pool().with(PgClientOptions.pool(s, 1)).connectingTo(PgClientOptions.connect(s)).using(vertx).build();
    try {
      await(pool.query("SELECT 1").execute()); // the one connection exists
      List<Future<RowSet<Row>>> queries = new ArrayList<>();
      queries.add(pool.query("SELECT pg_sleep(1)").execute()); // holds the connection
      queries.add(pool.query("SELECT 2").execute()); // waits in the queue of one
      long t0 = System.nanoTime();
      Future<RowSet<Row>> third = pool.query("SELECT 3").execute();
      ExecutionException e = assertThrows(ExecutionException.class, () -> await(third));
      assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 500, "refused at once");
      assertTrue(String.valueOf(e.getCause().getMessage()).toLowerCase().contains("wait"), e.getCause().toString());
      await(Future.all(new ArrayList<>(queries)));
    } finally {
      await(pool.close());
    }
  }

  private static long activeSleeps() {
    return TestDatabase.queryLong(TestDatabase.server(), "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + DB
        + "' AND state = 'active' AND query LIKE 'SELECT pg_sleep%'");
  }
}
