package dev.storefront.coordination;

import dev.storefront.testing.Await;
import dev.storefront.config.Settings;
import dev.storefront.testing.TestCluster;
import dev.storefront.testing.TestHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static dev.storefront.testing.Await.await;
import static dev.storefront.testing.TestHttp.call;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("Admin HTTP routes for counters and locks")
class AdminRoutesTest {

  private static TestCluster cluster;
  private static Vertx a;
  private static Vertx b;
  private static int portA;
  private static int portB;
  private static int portSecured;
  private static int portDisabled;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start("sf-coord-admin", 2);
    a = cluster.node(0);
    b = cluster.node(1);
    Settings settings = cluster.settings;
    await(Coordination.deploy(a, settings, "admin-a"));
    await(Coordination.deploy(b, settings, "admin-b"));
    // Mounted twice on node a, as the lead's HTTP verticles do once per event loop.
    portA = await(TestHttp.serve(a, settings, r -> {
      AdminRoutes.mount(r, a, settings);
      StatsRoutes.mount(r, a);
    }));
    portB = await(TestHttp.serve(b, settings, r -> AdminRoutes.mount(r, b, settings)));
    portSecured = await(TestHttp.serve(a, settings, r -> AdminRoutes.mount(r, a, settings.with("admin.token", "s3cret-token"))));
    portDisabled = await(TestHttp.serve(a, settings, r -> AdminRoutes.mount(r, a, settings.with("admin.enabled", false))));
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static Future<TestHttp.Response> http(HttpMethod method, int port, String uri, String body) {
    return call(a, method, port, uri, body, null);
  }

  @Test
  @DisplayName("counters: read, add a delta, compare-and-set, and a failed compare-and-set is a 409 with the current value")
  void counterLifecycle(VertxTestContext ctx) {
    http(GET, portA, "/counters/orders", null).compose(r -> {
      ctx.verify(() -> assertEquals(new JsonObject().put("name", "orders").put("value", 0), r.body()));
      return http(POST, portB, "/counters/orders", "{\"delta\": 5}");
    }).compose(r -> {
      ctx.verify(() -> assertEquals(5, r.body().getLong("value")));
      return http(POST, portA, "/counters/orders", "{\"expect\": 5, \"update\": 9}");
    }).compose(r -> {
      ctx.verify(() -> assertEquals(9, r.body().getLong("value")));
      return http(POST, portB, "/counters/orders", "{\"expect\": 5, \"update\": 11}");
    }).compose(r -> {
      ctx.verify(() -> {
        assertEquals(409, r.status());
        assertEquals("conflict", r.body().getString("error"));
        assertEquals(9, r.body().getLong("value"));
      });
      return http(GET, portB, "/counters/orders", null);
    }).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(9, r.body().getLong("value"));
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("bad names and bad bodies are 400s that leave the counter unchanged")
  void badInput(VertxTestContext ctx) {
    String tooLong = "x".repeat(65);
    List<String[]> bad = List.of(
        new String[] {"GET", "/counters/" + tooLong, null},
        new String[] {"GET", "/counters/bad%20name", null},
        new String[] {"POST", "/counters/bad%2Fname", "{\"delta\": 1}"},
        new String[] {"POST", "/counters/guarded", null},
        new String[] {"POST", "/counters/guarded", "not json"},
        new String[] {"POST", "/counters/guarded", "[1]"},
        new String[] {"POST", "/counters/guarded", "{}"},
        new String[] {"POST", "/counters/guarded", "{\"delta\": \"1\"}"},
        new String[] {"POST", "/counters/guarded", "{\"delta\": 1.5}"},
        new String[] {"POST", "/counters/guarded", "{\"delta\": 99999999999999999999}"},
        new String[] {"POST", "/counters/guarded", "{\"delta\": 1, \"expect\": 0}"},
        new String[] {"POST", "/counters/guarded", "{\"expect\": 0}"},
        new String[] {"POST", "/locks/guarded", "{\"timeoutMs\": -1}"},
        new String[] {"POST", "/locks/guarded", "{\"timeoutMs\": 600000}"},
        new String[] {"POST", "/locks/guarded", "{\"wait\": 10}"},
        new String[] {"POST", "/locks/" + tooLong, "{\"timeoutMs\": 0}"},
        new String[] {"DELETE", "/locks/guarded?token=abc", null},
        new String[] {"DELETE", "/locks/guarded", null},
        new String[] {"DELETE", "/locks/guarded?token=-3", null});
    List<Future<TestHttp.Response>> all = new ArrayList<>();
    for (String[] req : bad) {
      all.add(http(HttpMethod.valueOf(req[0]), portA, req[1], req[2]));
    }
    Future.all(all).compose(v -> http(GET, portA, "/counters/guarded", null).compose(counter ->
        http(GET, portA, "/locks", null).map(locks -> List.of(counter, locks))))
        .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
          for (int i = 0; i < bad.size(); i++) {
            TestHttp.Response r = all.get(i).result();
            assertEquals(400, r.status(), bad.get(i)[0] + " " + bad.get(i)[1] + " " + bad.get(i)[2] + " -> " + r.body());
            assertEquals("bad_request", r.body().getString("error"));
          }
          assertEquals(0, after.get(0).body().getLong("value"));
          assertEquals(new JsonArray(), after.get(1).body().getJsonArray("locks"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("locks: taken on one node, busy (409) on the other, listed with holder, released from the other node by token")
  void lockLifecycle(VertxTestContext ctx) {
    http(POST, portA, "/locks/report", "{\"timeoutMs\": 0}").compose(taken -> {
      long token = taken.body().getLong("token");
      ctx.verify(() -> assertEquals(200, taken.status()));
      return http(POST, portB, "/locks/report", "{\"timeoutMs\": 200}").compose(busy -> {
        ctx.verify(() -> assertEquals(409, busy.status()));
        return http(GET, portB, "/locks", null);
      }).compose(list -> {
        ctx.verify(() -> {
          JsonObject entry = list.body().getJsonArray("locks").getJsonObject(0);
          assertEquals("report", entry.getString("name"));
          assertEquals(token, entry.getLong("token"));
          assertEquals(ProcessHandle.current().pid(), entry.getLong("pid"));
          assertEquals(ApLocks.of(a).nodeId(), entry.getString("nodeId"));
          assertTrue(entry.getLong("ageMs") >= 0);
        });
        return http(DELETE, portB, "/locks/report?token=" + (token + 1), null);
      }).compose(stale -> {
        ctx.verify(() -> assertEquals(409, stale.status()));
        return http(DELETE, portB, "/locks/report?token=" + token, null);
      }).compose(released -> {
        ctx.verify(() -> assertEquals(200, released.status(), released.body().encode()));
        return http(POST, portB, "/locks/report", null);
      }).compose(again -> {
        ctx.verify(() -> assertTrue(again.body().getLong("token") > token));
        return http(DELETE, portA, "/locks/report?token=" + again.body().getLong("token"), null);
      });
    }).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.status());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("with admin.token set, requests without the right bearer token get 401 and change nothing")
  void bearerToken(VertxTestContext ctx) {
    Future<TestHttp.Response> none = call(a, POST, portSecured, "/counters/auth", "{\"delta\": 1}", null);
    Future<TestHttp.Response> wrong = call(a, POST, portSecured, "/counters/auth", "{\"delta\": 1}", "Bearer s3cret-tokem");
    Future<TestHttp.Response> basic = call(a, GET, portSecured, "/locks", null, "Basic s3cret-token");
    Future.all(none, wrong, basic)
        .compose(v -> call(a, GET, portSecured, "/counters/auth", null, "Bearer s3cret-token"))
        .onComplete(ctx.succeeding(ok -> ctx.verify(() -> {
          assertEquals(401, none.result().status());
          assertEquals(401, wrong.result().status());
          assertEquals(401, basic.result().status());
          assertEquals(200, ok.status());
          assertEquals(0, ok.body().getLong("value"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("with admin.enabled=false the admin routes do not exist (404)")
  void disabled(VertxTestContext ctx) {
    Future.all(http(GET, portDisabled, "/counters/x", null), http(POST, portDisabled, "/locks/x", "{}"))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertEquals(404, ((TestHttp.Response) all.resultAt(0)).status());
          assertEquals(404, ((TestHttp.Response) all.resultAt(1)).status());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("GET /stats answers the cluster total and a count per node")
  void statsShape(VertxTestContext ctx) {
    http(GET, portA, "/stats", null).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertEquals(200, r.status());
      assertTrue(r.body().getLong("total") >= 0);
      assertEquals(0, r.body().getJsonObject("nodes").getLong("admin-a"));
      assertEquals(0, r.body().getJsonObject("nodes").getLong("admin-b"));
      ctx.completeNow();
    })));
  }
}
