package dev.storefront.catalog;

import dev.storefront.cluster.FreePorts;
import dev.storefront.config.Settings;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.node.HttpVerticle;
import dev.storefront.testing.Await;
import dev.storefront.testing.Http;
import dev.storefront.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The catalog API against a real PostgreSQL holding the sample data, served by two HTTP verticles. */
@ExtendWith(VertxExtension.class)
@Tag("database")
class CatalogApiTest {

  private static DatabaseUrl db;
  private static Vertx vertx;
  private static Http http;

  @BeforeAll
  static void deploy() throws Exception {
    db = TestDatabase.withSampleData("sf_catalog_test");
    int port = FreePorts.any();
    vertx = Vertx.vertx();
    Settings settings = Settings.defaults().with("db.url", db.uri()).with("http.port", port).with("http.maxBodyBytes", 1024);
    await(vertx.deployVerticle(() -> new HttpVerticle((r, s) -> { }, () -> { }),
        new DeploymentOptions().setInstances(2).setConfig(settings.toJson())));
    http = new Http(port);
  }

  @AfterAll
  static void close() throws Exception {
    await(vertx.close());
  }

  @Test
  @DisplayName("GET /products/100 returns the product, its brand and all its SKUs with color and size names")
  void productWithSkus() {
    HttpResponse<String> r = http.get("/products/100");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
    JsonObject p = Http.json(r);
    assertEquals(100, p.getInteger("productId"));
    assertEquals(TestDatabase.queryLong(db, "SELECT brand_id FROM product WHERE product_id = 100"),
        p.getJsonObject("brand").getInteger("brandId").longValue());
    assertNotNull(p.getJsonObject("brand").getString("name"));
    JsonArray skus = p.getJsonArray("skus");
    assertEquals(TestDatabase.queryLong(db, "SELECT count(*) FROM sku WHERE product_id = 100"), skus.size());
    Set<Integer> ids = new HashSet<>();
    for (Object o : skus) {
      JsonObject sku = (JsonObject) o;
      ids.add(sku.getInteger("skuId"));
      assertTrue(Set.of("Blue", "Black").contains(sku.getString("color")), sku.encode());
      assertTrue(Set.of("Small", "Medium", "Large").contains(sku.getString("size")), sku.encode());
    }
    assertEquals(skus.size(), ids.size());
  }

  @Test
  @DisplayName("a product without SKUs is found, with an empty SKU list; names are JSON-escaped")
  void productWithoutSkus() {
    TestDatabase.execute(db, "INSERT INTO product (product_id, product_name, brand_id) VALUES (5000, 'The \"Quote\" \\ Tee', 1) ON CONFLICT DO NOTHING");
    try {
      JsonObject p = Http.json(http.get("/products/5000"));
      assertEquals("The \"Quote\" \\ Tee", p.getString("name"));
      assertEquals(0, p.getJsonArray("skus").size());
    } finally {
      TestDatabase.execute(db, "DELETE FROM product WHERE product_id = 5000");
    }
  }

  @Test
  @DisplayName("keyset pagination walks every product exactly once, in order")
  void paginationWalksAll() {
    Set<Integer> seen = new HashSet<>();
    String next = "/products?limit=100";
    int pages = 0;
    int last = 0;
    while (next != null) {
      JsonObject page = Http.json(http.get(next));
      for (Object o : page.getJsonArray("items")) {
        int id = ((JsonObject) o).getInteger("productId");
        assertTrue(id > last, "ids ascend");
        last = id;
        assertTrue(seen.add(id), "product " + id + " seen twice");
      }
      next = page.getString("nextUrl");
      pages++;
    }
    assertEquals(1000, seen.size());
    assertEquals(10, pages);
  }

  @Test
  @DisplayName("pagination by brand returns only that brand's products, default limit 20, with a cursor")
  void paginationByBrand() {
    long count = TestDatabase.queryLong(db, "SELECT count(*) FROM product WHERE brand_id = 7");
    JsonObject page = Http.json(http.get("/products?brand=7"));
    assertEquals(Math.min(20, count), page.getJsonArray("items").size());
    page.getJsonArray("items").forEach(o -> assertEquals(7, ((JsonObject) o).getInteger("brandId")));
    int total = 0;
    String next = "/products?brand=7&limit=3";
    while (next != null) {
      JsonObject p = Http.json(http.get(next));
      total += p.getJsonArray("items").size();
      next = p.getString("nextUrl");
    }
    assertEquals(count, total);
    assertNull(Http.json(http.get("/products?brand=7&after=1000")).getValue("next"));
  }

  @Test
  @DisplayName("GET /brands lists 100 brands; GET /brands/{id} returns one; an absent brand is 404")
  void brands() {
    assertEquals(100, Http.json(http.get("/brands")).getJsonArray("items").size());
    JsonObject b = Http.json(http.get("/brands/42"));
    assertEquals(42, b.getInteger("brandId"));
    assertFalse(b.getString("name").isEmpty());
    assertEquals(404, http.get("/brands/4242").statusCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/products/abc", "/products/-1", "/products/0", "/products/2147483648", "/products/99999999999999",
      "/products/1.5", "/products?limit=0", "/products?limit=101", "/products?limit=x", "/products?after=-3", "/products?brand=0",
      "/brands/zero"})
  @DisplayName("a non-numeric, negative, zero or overflowing id or limit is a 400 with an error body")
  void badIds(String path) {
    HttpResponse<String> r = http.get(path);
    assertEquals(400, r.statusCode(), path);
    JsonObject body = Http.json(r);
    assertEquals("bad_request", body.getString("error"));
    assertFalse(body.getString("message").isEmpty());
  }

  @Test
  @DisplayName("an absent product is 404, an unknown path 404, a wrong method 405, an oversized body 413; all JSON")
  void errorClasses() {
    assertError(http.get("/products/999999"), 404, "not_found");
    assertError(http.get("/nothing/here"), 404, "not_found");
    assertError(http.send("DELETE", "/products/1", null), 405, "method_not_allowed");
    assertError(http.send("POST", "/products/1", "{\"x\":\"" + "y".repeat(5000) + "\"}"), 413, "payload_too_large");
  }

  @Test
  @DisplayName("health: live answers; ready answers while PostgreSQL does")
  void health() {
    assertEquals(200, http.get("/health/live").statusCode());
    assertEquals("UP", Http.json(http.get("/health/ready")).getString("database"));
  }

  @Test
  @DisplayName("connections killed by PostgreSQL are re-established: after a short 503 the service answers again by itself")
  void recoversFromLostConnections() {
    TestDatabase.execute(TestDatabase.server(),
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'sf_catalog_test' AND pid <> pg_backend_pid()");
    HttpResponse<String> during = http.get("/products/100");
    assertTrue(during.statusCode() == 200 || during.statusCode() == 503, "answered " + during.statusCode());
    if (during.statusCode() == 503) {
      assertEquals("1", during.headers().firstValue("retry-after").orElse(null));
      assertEquals("unavailable", Http.json(during).getString("error"));
    }
    assertTrue(Await.eventually(java.time.Duration.ofSeconds(15), () -> http.get("/products/100").statusCode() == 200));
  }

  static void assertError(HttpResponse<String> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
    JsonObject body = Http.json(r);
    assertEquals(code, body.getString("error"));
    assertNotNull(body.getString("message"));
    assertFalse(r.body().contains("Exception"), "no stack trace: " + r.body());
  }
}
