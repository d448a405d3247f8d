package dev.storefront.catalog;

import dev.storefront.cluster.FreePorts;
import dev.storefront.config.Settings;
import dev.storefront.node.HttpVerticle;
import dev.storefront.testing.Http;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpResponse;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PostgreSQL unreachable (a port where nothing listens): the service starts anyway unless fail-fast is asked for. */
@ExtendWith(VertxExtension.class)
class DatabaseDownTest {

  private static Settings settings(int httpPort) {
    return Settings.defaults().with("db.url", "postgresql://postgres@127.0.0.1:" + FreePorts.any() + "/none")
        .with("http.port", httpPort).with("db.reconnectIntervalMs", 200);
  }

  @Test
  @DisplayName("with the database down, queries answer 503 with Retry-After, ready is 503 and live is 200")
  void unavailable(Vertx vertx) throws Exception {
    int port = FreePorts.any();
    await(vertx.deployVerticle(() -> new HttpVerticle((r, s) -> { }, () -> { }),
        new DeploymentOptions().setConfig(settings(port).toJson())));
    Http http = new Http(port);
    for (String path : new String[] {"/products/100", "/products", "/brands", "/brands/1"}) {
      HttpResponse<String> r = http.get(path);
      CatalogApiTest.assertError(r, 503, "unavailable");
      assertEquals("1", r.headers().firstValue("retry-after").orElse(null), path);
    }
    assertEquals(503, http.get("/health/ready").statusCode());
    assertEquals(200, http.get("/health/live").statusCode());
    assertEquals(400, http.get("/products/abc").statusCode(), "input is still validated first");
  }

  @Test
  @DisplayName("with db.failFast, deployment fails when the database is unreachable")
  void failFast(Vertx vertx, VertxTestContext ctx) {
    Settings s = settings(FreePorts.any()).with("db.failFast", true);
    vertx.deployVerticle(() -> new HttpVerticle((r, x) -> { }, () -> { }), new DeploymentOptions().setConfig(s.toJson()))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertTrue(err.getMessage() != null);
          ctx.completeNow();
        })));
  }
}
