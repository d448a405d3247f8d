package dev.storefront.node;

import org.junit.jupiter.api.Tag;
import dev.storefront.testing.Await;
import dev.storefront.cluster.FreePorts;
import dev.storefront.config.Settings;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.testing.TestDatabase;
import dev.storefront.testing.Http;
import dev.storefront.testing.TcpProxy;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL behind a proxy that stops moving bytes without closing anything (a black-holed network): requests are
 * 503 within db.statementTimeoutMs plus a second, not hung; the silent connection is dropped, so the next requests are
 * 503 at once; once the network is back the node serves again by itself.
 */
@Tag("database")
class BlackHoleTest {

  private static Vertx vertx;
  private static Http http;
  private static TcpProxy proxy;

  @BeforeAll
  static void deploy() throws Exception {
    DatabaseUrl db = TestDatabase.withSampleData("sf_black_hole_test");
    proxy = TcpProxy.start("127.0.0.1", db.host(), db.port());
    DatabaseUrl viaProxy = new DatabaseUrl("127.0.0.1", proxy.port(), db.database(), db.user(), db.password());
    int port = FreePorts.any();
    vertx = Vertx.vertx();
    Settings settings = Settings.defaults().with("db.url", viaProxy.uri()).with("http.port", port)
        .with("db.statementTimeoutMs", 500).with("db.connectTimeoutMs", 1000).with("db.reconnectIntervalMs", 200)
        .with("catalog.brandCacheSeconds", 0);
    vertx.deployVerticle(() -> new HttpVerticle((r, s) -> { }, () -> { }),
            new DeploymentOptions().setInstances(1).setConfig(settings.toJson()))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    http = new Http(port);
  }

  @AfterAll
  static void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    proxy.close();
  }

  private static long timed(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  @Test
  @DisplayName("a black-holed PostgreSQL makes requests 503 in about db.statementTimeoutMs + 1 s, then at once; service resumes after")
  void blackHole() {
    assertEquals(200, http.get("/products/1").statusCode());
    proxy.freeze();
    try {
      HttpResponse<String>[] first = new HttpResponse[1];
      long ms = timed(() -> first[0] = http.get("/products/1"));
      assertEquals(503, first[0].statusCode(), first[0].body());
      assertEquals("1", first[0].headers().firstValue("retry-after").orElse(null));
      assertTrue(ms >= 1000 && ms < 4000, "the first request waited " + ms + " ms");
      HttpResponse<String>[] next = new HttpResponse[1];
      long nextMs = timed(() -> next[0] = http.get("/products/2"));
      assertEquals(503, next[0].statusCode(), next[0].body());
      assertTrue(nextMs < 1000, "the silent connection was dropped, so the next request waited only " + nextMs + " ms");
      assertEquals(503, http.get("/health/ready").statusCode());
    } finally {
      proxy.resume();
    }
    assertTrue(Await.eventually(Duration.ofSeconds(15), () -> http.get("/products/1").statusCode() == 200), "serves again");
  }
}
