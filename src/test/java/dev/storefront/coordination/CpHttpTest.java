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

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP API in mode cp on two nodes of a 3-member CP cluster, with the fenced inventory in PostgreSQL. */
@ExtendWith(VertxExtension.class)
@DisplayName("Mode cp over HTTP: counters, leased locks and the fenced inventory")
@Tag("database")
class CpHttpTest {

  private static TestCluster cluster;
  private static DatabaseUrl db;
  private static int portA;
  private static int portB;

  @BeforeAll
  static void start() throws Exception {
    db = TestDatabase.fresh("sf_cp_http_test");
    try (InputStream in = CpHttpTest.class.getResourceAsStream("/db/schema.sql")) {
      TestDatabase.execute(db, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    cluster = CpTesting.cpCluster("sf-cp-http", 3, s -> s.with("db.url", db.uri()).with("coordination.cpTimeoutMs", 30_000));
    portA = serve(cluster.node(0));
    portB = serve(cluster.node(1));
  }

  private static int serve(Vertx node) throws Exception {
    Settings settings = cluster.settings;
    return Await.await(TestHttp.serve(node, dev.storefront.config.Settings.defaults(), r -> {
      AdminRoutes.mount(r, node, settings);
      InventoryRoutes.mount(r, node, settings);
    }));
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static Future<TestHttp.Response> http(HttpMethod method, int port, String uri, String body) {
    return TestHttp.call(cluster.node(0), method, port, uri, body, null);
  }

  @Test
  @DisplayName("GET /coordination names the mode, this node's CP member and the 3 CP members")
  void describe(VertxTestContext ctx) {
    http(GET, portB, "/coordination", null).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.status(), r.body().encode());
      assertEquals("cp", r.body().getString("mode"));
      assertEquals(3, r.body().getJsonArray("cpMembers").size());
      assertNotNull(r.body().getString("localCpMember"));
      assertEquals(300000, r.body().getLong("lockLeaseMaxMs"));
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("counters: add on one node, a failed compare-and-set is a 409 with the value, read on the other")
  void counters(VertxTestContext ctx) {
    http(POST, portA, "/counters/cp-orders", "{\"delta\": 5}").compose(r -> {
      ctx.verify(() -> assertEquals(5, r.body().getLong("value")));
      return http(POST, portB, "/counters/cp-orders", "{\"expect\": 4, \"update\": 9}");
    }).compose(r -> {
      ctx.verify(() -> {
        assertEquals(409, r.status());
        assertEquals(5, r.body().getLong("value"));
      });
      return http(GET, portB, "/counters/cp-orders", null);
    }).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(5, r.body().getLong("value"));
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a lease above coordination.lockLeaseMaxMs is a 400 that takes nothing")
  void leaseTooLong(VertxTestContext ctx) {
    http(POST, portA, "/locks/cp-long", "{\"leaseMs\": 300001}").compose(r -> {
      ctx.verify(() -> assertEquals(400, r.status(), r.body().encode()));
      return http(POST, portB, "/locks/cp-long", "{\"timeoutMs\": 0}");
    }).compose(r -> {
      ctx.verify(() -> assertEquals(200, r.status(), r.body().encode()));
      return http(DELETE, portA, "/locks/cp-long?token=" + r.body().getLong("token"), null);
    }).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.status());
      ctx.completeNow();
    })));
  }

  private static String stock(int quantity, long token) {
    return new JsonObject().put("quantity", quantity).put("token", token).put("lock", "cp-stock").encode();
  }

  @Test
  @DisplayName("a holder whose lease ran out is refused by the inventory (409) and by the lock, while its successor writes")
  void staleHolderFenced(VertxTestContext ctx) {
    http(POST, portA, "/locks/cp-stock", "{\"leaseMs\": 500}").compose(a -> {
      long tokenA = a.body().getLong("token");
      ctx.verify(() -> {
        assertEquals(200, a.status(), a.body().encode());
        assertEquals(a.body().getLong("acquiredAt") + 500, a.body().getLong("leaseExpiresAt"));
      });
      return http(PUT, portA, "/inventory/CP-1", stock(10, tokenA)).compose(w -> {
        ctx.verify(() -> assertEquals(200, w.status(), w.body().encode()));
        // A pauses; B polls (with a deadline) until A's lease ends and the lock is B's
        return CpTesting.until(cluster.node(1), () -> http(POST, portB, "/locks/cp-stock", "{\"timeoutMs\": 0}"),
            r -> r.status() == 200, 10_000);
      }).compose(b -> {
        long tokenB = b.body().getLong("token");
        ctx.verify(() -> assertTrue(tokenB > tokenA, tokenB + " after " + tokenA));
        return http(PUT, portB, "/inventory/CP-1", stock(20, tokenB)).compose(w -> {
          ctx.verify(() -> assertEquals(200, w.status(), w.body().encode()));
          return http(PUT, portA, "/inventory/CP-1", stock(11, tokenA)); // A wakes up and writes late
        }).compose(late -> {
          ctx.verify(() -> {
            assertEquals(409, late.status(), late.body().encode());
            assertEquals(tokenB, late.body().getJsonObject("current").getLong("fence"));
          });
          return http(DELETE, portA, "/locks/cp-stock?token=" + tokenA, null);
        }).compose(staleRelease -> {
          ctx.verify(() -> assertEquals(409, staleRelease.status(), staleRelease.body().encode()));
          return http(GET, portA, "/locks", null);
        }).compose(list -> {
          ctx.verify(() -> {
            assertEquals("cp", list.body().getString("mode"));
            JsonObject entry = list.body().getJsonArray("locks").stream().map(o -> (JsonObject) o)
                .filter(o -> o.getString("name").equals("cp-stock")).findFirst().orElseThrow();
            assertEquals(tokenB, entry.getLong("token"));
          });
          return http(DELETE, portA, "/locks/cp-stock?token=" + tokenB, null);
        }).compose(released -> {
          ctx.verify(() -> assertEquals(200, released.status(), released.body().encode()));
          return http(GET, portB, "/inventory/CP-1", null);
        });
      });
    }).onComplete(ctx.succeeding(row -> ctx.verify(() -> {
      assertEquals(20, row.body().getInteger("quantity"));
      ctx.completeNow();
    })));
  }
}
