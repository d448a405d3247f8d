package dev.storefront.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class ScenarioTest {

  @TempDir
  Path tmp;

  private HttpServer server;
  /** Requests the server saw, by kind: "product", "brands", "page1".."pageN", "job", "badjob". */
  private final Map<String, AtomicLong> seen = new ConcurrentHashMap<>();

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private void count(String kind) {
    seen.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  private long seen(String kind) {
    AtomicLong n = seen.get(kind);
    return n == null ? 0 : n.get();
  }

  /** /products/{id}; /brands; /products?after=N pages with a nextUrl up to after=5; POST /jobs wanting a JSON body. */
  private String serve(Vertx vertx) throws Exception {
    server = vertx.createHttpServer().requestHandler(req -> {
      String path = req.path();
      if (path.startsWith("/products/")) {
        count("product");
        req.response().end("{}");
      } else if (path.equals("/brands")) {
        count("brands");
        req.response().end("{\"items\":[]}");
      } else if (path.equals("/products")) {
        int after = req.getParam("after") == null ? 0 : Integer.parseInt(req.getParam("after"));
        count("page" + (after + 1));
        JsonObject page = new JsonObject().put("items", new io.vertx.core.json.JsonArray());
        if (after < 5) {
          page.put("nextUrl", "/products?limit=2&after=" + (after + 1));
        }
        req.response().end(page.encode());
      } else if (path.equals("/jobs") && req.method() == HttpMethod.POST) {
        req.body().onSuccess(body -> {
          boolean ok = "feedback".equals(body.toJsonObject().getJsonObject("source").getString("type"))
              && "application/json".equals(req.getHeader("content-type"));
          count(ok ? "job" : "badjob");
          req.response().setStatusCode(ok ? 202 : 400).end("{}");
        });
      } else {
        req.response().setStatusCode(404).end();
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + server.actualPort();
  }

  private static final String MIX = """
      {"requests": [
        {"name": "product", "weight": 60, "path": "/products/{id}", "ids": "1..50"},
        {"name": "listing", "weight": 25, "path": "/products?limit=2", "follow": "nextUrl", "maxPages": 3},
        {"name": "brands", "weight": 10, "path": "/brands"},
        {"name": "wordcount", "weight": 5, "method": "POST", "path": "/jobs", "body": {"source": {"type": "feedback"}}}
      ]}""";

  @Test
  @DisplayName("weights are honoured, each request has its own figures, listings follow nextUrl up to maxPages, POSTs carry their body")
  void weightedMix(Vertx vertx) throws Exception {
    String url = serve(vertx);
    Path file = Files.writeString(tmp.resolve("mix.json"), MIX);
    BenchCli.Result r = BenchCli.run("http", "--url", url, "--scenario", file.toString(), "-c", "4", "-d", "3s",
        "--warmup", "1s", "--out", tmp.resolve("run").toString(), "--fail-if", "listing:p99>2s", "--json");
    assertEquals(0, r.code(), r.both());
    JsonObject json = new JsonObject(r.stdout());
    JsonObject byRequest = json.getJsonObject("byRequest");
    assertEquals(java.util.List.of("product", "listing", "brands", "wordcount"), java.util.List.copyOf(byRequest.fieldNames()));
    long total = json.getLong("requests");
    assertTrue(total >= 50, "enough requests to judge the weights: " + total + " " + seen);
    long listings = seen("page1") + seen("page2") + seen("page3");
    assertEquals(0, seen("badjob"), "every POST had its JSON body and content type");
    assertEquals(json.getLong("totalResponses"), seen("product") + listings + seen("brands") + seen("job"),
        "warm-up and measured: the server saw what the generator counted");
    assertEquals(total, byRequest.fieldNames().stream().mapToLong(n -> byRequest.getJsonObject(n).getLong("requests")).sum(),
        "the total is the sum of the parts");
    // the spread of a share p over n picks is sqrt(p(1-p)/n): 4 of those (or 3 points) is beyond noise
    double[] expected = {0.60, 0.25, 0.10, 0.05};
    String[] names = {"product", "listing", "brands", "wordcount"};
    for (int i = 0; i < names.length; i++) {
      double share = byRequest.getJsonObject(names[i]).getDouble("share");
      double tolerance = Math.max(0.03, 4 * Math.sqrt(expected[i] * (1 - expected[i]) / total));
      assertEquals(expected[i], share, tolerance, names[i] + " share of " + total + ": " + seen);
      long atServer = switch (names[i]) {
        case "listing" -> listings;
        case "wordcount" -> seen("job");
        default -> seen(names[i]);
      };
      long all = json.getLong("totalResponses");
      assertEquals(expected[i], (double) atServer / all, Math.max(0.03, 4 * Math.sqrt(expected[i] * (1 - expected[i]) / all)),
          names[i] + " as the server saw it: " + seen);
      assertTrue(byRequest.getJsonObject(names[i]).getJsonObject("latencyMs").containsKey("p99"));
    }
    assertTrue(seen("page2") > 0 && seen("page3") > 0, "next pages followed: " + seen);
    assertEquals(0, seen("page4"), "never past maxPages 3: " + seen);
    assertTrue(seen("page2") <= seen("page1") && seen("page3") <= seen("page2"), seen.toString());
    assertEquals("listing:p99>2s", json.getJsonArray("thresholds").getJsonObject(0).getString("expression"));
  }

  @Test
  @DisplayName("the weighted pick alone: 100 000 picks match weights 70/20/10 within 1%")
  void picksFollowWeights() {
    Scenario s = Scenario.fromJson(new JsonObject("""
        {"requests": [{"name": "a", "weight": 7, "path": "/a"}, {"name": "b", "weight": 2, "path": "/b"},
                      {"name": "c", "weight": 1, "path": "/c/{id}", "ids": "5..6"}]}"""));
    RequestMix mix = new RequestMix(s, new java.util.SplittableRandom(7));
    Map<String, Integer> counts = new java.util.HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      RequestMix.Request req = mix.next();
      counts.merge(req.name(), 1, Integer::sum);
      if (req.name().equals("c")) {
        assertTrue(req.uri().equals("/c/5") || req.uri().equals("/c/6"), req.uri());
      }
    }
    assertEquals(70_000, counts.get("a"), 1000);
    assertEquals(20_000, counts.get("b"), 1000);
    assertEquals(10_000, counts.get("c"), 1000);
  }

  @Test
  @DisplayName("a bad scenario file, or a threshold naming a request it lacks, is a usage error (exit 2)")
  void badScenarios() throws Exception {
    Path noRequests = Files.writeString(tmp.resolve("a.json"), "{\"steps\": []}");
    BenchCli.Result r = BenchCli.run("http", "--url", "http://127.0.0.1:1", "--scenario", noRequests.toString());
    assertEquals(2, r.code());
    assertTrue(r.stderr().contains("a scenario is {\"requests\""), r.stderr());
    Path badWeight = Files.writeString(tmp.resolve("b.json"), "{\"requests\": [{\"name\": \"x\", \"weight\": 0, \"path\": \"/\"}]}");
    assertEquals(2, BenchCli.run("http", "--url", "http://127.0.0.1:1", "--scenario", badWeight.toString()).code());
    Path good = Files.writeString(tmp.resolve("c.json"), MIX);
    BenchCli.Result unknown = BenchCli.run("http", "--url", "http://127.0.0.1:1", "--scenario", good.toString(),
        "--fail-if", "checkout:p99>1ms");
    assertEquals(2, unknown.code());
    assertTrue(unknown.stderr().contains("names request 'checkout'"), unknown.stderr());
    assertThrows(IllegalArgumentException.class, () -> Scenario.fromJson(new JsonObject(
        "{\"requests\": [{\"name\": \"x\", \"path\": \"/\"}, {\"name\": \"x\", \"path\": \"/y\"}]}")));
    assertEquals(4, Scenario.read(Path.of("config/bench/storefront-mix.json")).entries().size(), "the sample file reads");
  }
}
