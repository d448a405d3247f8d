package dev.storefront.coordination;

import dev.storefront.testing.Await;
import org.junit.jupiter.api.Tag;
import dev.storefront.testing.TestDatabase;
import dev.storefront.testing.TestHttp;
import dev.storefront.testing.TestCluster;
import dev.storefront.config.Settings;
import dev.storefront.db.DatabaseUrl;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fenced inventory against a real PostgreSQL holding the shipped schema, with tokens from real locks (mode ap). */
@ExtendWith(VertxExtension.class)
@DisplayName("Fenced inventory: PUT /inventory/{sku} checked by PostgreSQL against the lock token")
@Tag("database")
class InventoryApiTest {

  private static DatabaseUrl db;
  private static Vertx vertx;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    db = TestDatabase.fresh("sf_inventory_test");
    try (InputStream in = InventoryApiTest.class.getResourceAsStream("/db/schema.sql")) {
      TestDatabase.execute(db, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    vertx = Vertx.vertx();
    Settings settings = Settings.defaults().with("db.url", db.uri());
    Await.await(Coordination.deploy(vertx, settings, "inventory"));
    port = Await.await(TestHttp.serve(vertx, dev.storefront.config.Settings.defaults(), r -> InventoryRoutes.mount(r, vertx, settings)));
  }

  @AfterAll
  static void stop() throws Exception {
    Await.await(vertx.close());
  }

  private static Future<TestHttp.Response> http(HttpMethod method, String uri, String body) {
    return TestHttp.call(vertx, method, port, uri, body, null);
  }

  private static String put(int quantity, long token, String lock) {
    return new JsonObject().put("quantity", quantity).put("token", token).put("lock", lock).encode();
  }

  @Test
  @DisplayName("the newest token writes; an older one, the same one again, or another lock's is a 409 with the current row")
  void fencing(VertxTestContext ctx) {
    LockService locks = LockService.of(vertx);
    locks.acquire("sku-lock", 5000).compose(first -> first.release().compose(v -> locks.acquire("sku-lock", 5000)).compose(second -> {
      long older = first.token();
      long newer = second.token();
      return http(PUT, "/inventory/SKU-1", put(5, older, "sku-lock")).compose(r -> {
        ctx.verify(() -> assertEquals(new JsonObject().put("sku", "SKU-1").put("quantity", 5).put("fence", older).put("lock", "sku-lock"), r.body()));
        return http(PUT, "/inventory/SKU-1", put(7, newer, "sku-lock"));
      }).compose(r -> {
        ctx.verify(() -> assertEquals(200, r.status(), r.body().encode()));
        return http(PUT, "/inventory/SKU-1", put(99, older, "sku-lock"));
      }).compose(r -> {
        ctx.verify(() -> {
          assertEquals(409, r.status());
          assertEquals("conflict", r.body().getString("error"));
          assertEquals(newer, r.body().getJsonObject("current").getLong("fence"));
          assertEquals(7, r.body().getJsonObject("current").getInteger("quantity"));
        });
        return http(PUT, "/inventory/SKU-1", put(98, newer, "sku-lock"));
      }).compose(r -> {
        ctx.verify(() -> assertEquals(409, r.status()));
        return http(PUT, "/inventory/SKU-1", put(97, newer + 1000, "another-lock"));
      }).compose(r -> {
        ctx.verify(() -> assertEquals(409, r.status(), r.body().encode()));
        return http(GET, "/inventory/SKU-1", null);
      }).compose(r -> {
        ctx.verify(() -> {
          assertEquals(7, r.body().getInteger("quantity"));
          assertEquals(7, TestDatabase.queryLong(db, "SELECT quantity FROM inventory WHERE sku = 'SKU-1'"));
        });
        return second.release();
      });
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("GET of an unknown sku is a 404")
  void unknown(VertxTestContext ctx) {
    http(GET, "/inventory/NOPE", null).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(404, r.status());
      assertEquals("not_found", r.body().getString("error"));
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("bad skus and bodies are 400s that write nothing")
  void badInput(VertxTestContext ctx) {
    List<String[]> bad = List.of(
        new String[] {"/inventory/bad%20sku", put(1, 1, "l")},
        new String[] {"/inventory/" + "s".repeat(65), put(1, 1, "l")},
        new String[] {"/inventory/BAD-1", null},
        new String[] {"/inventory/BAD-1", "not json"},
        new String[] {"/inventory/BAD-1", "[1]"},
        new String[] {"/inventory/BAD-1", "{}"},
        new String[] {"/inventory/BAD-1", "{\"quantity\": 1, \"token\": 1}"},
        new String[] {"/inventory/BAD-1", "{\"quantity\": 1, \"token\": 1, \"lock\": \"l\", \"extra\": 0}"},
        new String[] {"/inventory/BAD-1", put(-1, 1, "l")},
        new String[] {"/inventory/BAD-1", "{\"quantity\": 3000000000, \"token\": 1, \"lock\": \"l\"}"},
        new String[] {"/inventory/BAD-1", "{\"quantity\": 1.5, \"token\": 1, \"lock\": \"l\"}"},
        new String[] {"/inventory/BAD-1", put(1, 0, "l")},
        new String[] {"/inventory/BAD-1", "{\"quantity\": 1, \"token\": \"7\", \"lock\": \"l\"}"},
        new String[] {"/inventory/BAD-1", put(1, 1, "bad/lock")},
        new String[] {"/inventory/BAD-1", "{\"quantity\": 1, \"token\": 1, \"lock\": 5}"});
    List<Future<TestHttp.Response>> all = new ArrayList<>();
    bad.forEach(b -> all.add(http(PUT, b[0], b[1])));
    Future.all(new ArrayList<>(all)).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      for (int i = 0; i < bad.size(); i++) {
        TestHttp.Response r = all.get(i).result();
        assertEquals(400, r.status(), bad.get(i)[0] + " " + bad.get(i)[1] + " -> " + r.body());
        assertEquals("bad_request", r.body().getString("error"));
      }
      assertEquals(0, TestDatabase.queryLong(db, "SELECT count(*) FROM inventory WHERE sku LIKE 'BAD%'"));
      ctx.completeNow();
    })));
  }
}
