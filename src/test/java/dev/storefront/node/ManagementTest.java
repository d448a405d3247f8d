package dev.storefront.node;

import dev.storefront.cluster.NodeIdentity;
import dev.storefront.config.Settings;
import dev.storefront.config.SettingsException;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.cluster.FreePorts;
import dev.storefront.testing.Await;
import dev.storefront.testing.TestDatabase;
import dev.storefront.metrics.Metrics;
import dev.storefront.testing.Http;
import dev.storefront.testing.PrometheusText;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node's own management port (metrics and health) and its metrics, on one node started in this JVM. */
@Tag("database")
class ManagementTest {

  private static DatabaseUrl db;

  @BeforeAll
  static void database() {
    db = TestDatabase.withSampleData("sf_management_test");
  }

  private static Settings settings(boolean metrics) {
    return Settings.defaults().with("db.url", db.uri()).with("http.port", FreePorts.any())
        .with("management.port", 0).with("metrics.enabled", metrics)
        .with("node.eventLoops", 2).with("jobs.workersPerNode", 1).with("stats.flushIntervalMs", 100);
  }

  private static Node start(Settings settings) throws Exception {
    return new Node(settings, false).start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static Http api(Node node) {
    return new Http(node.card().getInteger("httpPort"));
  }

  private static Http management(String url) {
    URI uri = URI.create(url);
    return new Http(uri.getHost(), uri.getPort());
  }

  private static PrometheusText scrape(Node node) {
    HttpResponse<String> r = management(node.managementUrl()).get("/metrics");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"),
        r.headers().toString());
    return PrometheusText.parse(r.body());
  }

  @Test
  @DisplayName("/metrics on the management port counts HTTP requests by method, route pattern and status, tagged with the node")
  void httpRequestsByRoutePattern() throws Exception {
    Node node = start(settings(true));
    try {
      assertTrue(node.vertx().isMetricsEnabled());
      Http api = api(node);
      for (int id = 1; id <= 5; id++) {
        assertEquals(200, api.get("/products/" + id).statusCode());
      }
      assertEquals(400, api.get("/products/abc").statusCode());
      assertEquals(404, api.get("/no/such/path").statusCode());

      assertEquals(200, management(node.managementUrl()).get("/health/ready").statusCode());

      PrometheusText m = scrape(node);
      String name = NodeIdentity.name();
      String requests = "vertx_http_server_requests_total";
      assertEquals(5, m.sum(requests, "method", "GET", "route", "/products/:id", "code", "200", "node", name), 0.0);
      assertEquals(1, m.sum(requests, "route", "/products/:id", "code", "400"), 0.0);
      assertEquals(1, m.sum(requests, "route", "", "code", "404"), 0.0); // no route matched: no path either
      assertTrue(m.samples().stream().noneMatch(s -> s.labels().getOrDefault("route", "").matches(".*/products/\\d+.*")),
          "a raw path became a label");
      assertTrue(m.samples().stream().allMatch(s -> name.equals(s.labels().get("node"))), "every sample has node=" + name);
      // the API port and the management port are told apart by their local address
      String apiLocal = "127.0.0.1:" + node.card().getInteger("httpPort");
      assertEquals(5, m.sum(requests, "route", "/products/:id", "code", "200", "local", apiLocal), 0.0);
      String managementLocal = node.managementUrl().substring("http://".length());
      assertEquals(1, m.sum(requests, "route", "/health/ready", "code", "200", "local", managementLocal), 0.0);
      // a response time histogram with sub-millisecond buckets
      assertEquals(5, m.sum("vertx_http_server_response_time_seconds_bucket",
          "route", "/products/:id", "code", "200", "le", "+Inf"), 0.0);
      assertFalse(m.find("vertx_http_server_response_time_seconds_bucket", "le", "2.5E-4").isEmpty());
      // what else comes for free: SQL clients, the event bus, the JVM
      assertTrue(m.sum("vertx_sql_processing_time_seconds_count") >= 5, "sql client meters");
      assertFalse(m.find("vertx_eventbus_handlers").isEmpty());
      assertFalse(m.find("jvm_memory_used_bytes").isEmpty());
      assertFalse(m.find("jvm_gc_pause_seconds_count").isEmpty() && m.find("jvm_threads_live_threads").isEmpty());
      // Storefront's own
      assertEquals(1, m.sum(Metrics.CLUSTER_MEMBERS.replace('.', '_')), 0.0);
      assertEquals(1, m.sum(Metrics.NODE_SERVING.replace('.', '_')), 0.0);
      assertEquals(0, m.sum(Metrics.JOBS_RUNNING.replace('.', '_')), 0.0);
    } finally {
      node.drain();
    }
  }

  @Test
  @DisplayName("/cluster gives the node's managementUrl, whose /health/live and /health/ready answer, and /cluster/targets it for Prometheus; the shared port keeps its /health/*")
  void managementUrlInCluster() throws Exception {
    Node node = start(settings(true));
    try {
      Http api = api(node);
      JsonObject cluster = Http.json(api.get("/cluster"));
      JsonArray members = cluster.getJsonArray("members");
      assertEquals(1, members.size(), cluster.encode());
      String url = members.getJsonObject(0).getString("managementUrl");
      assertNotNull(url, cluster.encode());
      assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+"), url);
      assertEquals(node.managementUrl(), url);
      Http management = management(url);
      HttpResponse<String> ready = management.get("/health/ready");
      assertEquals(200, ready.statusCode(), ready.body());
      assertEquals("UP", Http.json(ready).getString("database"));
      assertEquals(200, management.get("/health/live").statusCode());
      assertEquals(404, management.get("/products/1").statusCode()); // the API stays on the shared port
      assertEquals(200, api.get("/health/ready").statusCode());
      assertEquals(200, api.get("/health/live").statusCode());
      // the same members as Prometheus HTTP service discovery wants them
      JsonArray targets = new JsonArray(api.get("/cluster/targets").body());
      assertEquals(1, targets.size(), targets.encode());
      assertEquals(new JsonArray().add(url.substring("http://".length())), targets.getJsonObject(0).getJsonArray("targets"));
      assertEquals(NodeIdentity.name(), targets.getJsonObject(0).getJsonObject("labels").getString("__meta_storefront_node"));
    } finally {
      node.drain();
    }
  }

  @Test
  @DisplayName("metrics.enabled=false: Vert.x is built without metrics and /metrics is a 404; health still answers")
  void metricsOff() throws Exception {
    Node node = start(settings(false));
    try {
      assertFalse(node.vertx().isMetricsEnabled());
      assertFalse(Metrics.of(node.vertx()).enabled());
      assertEquals(200, api(node).get("/products/1").statusCode());
      Http management = management(node.managementUrl());
      assertEquals(404, management.get("/metrics").statusCode());
      assertEquals(200, management.get("/health/ready").statusCode());
    } finally {
      node.drain();
    }
  }

  @Test
  @DisplayName("counter and lock operations are timed by operation and outcome; a job counts as submitted and ended, its partitions as mapped")
  void coordinationAndJobMeters() throws Exception {
    Node node = start(settings(true));
    try {
      Http api = api(node);
      assertEquals(200, api.send("POST", "/counters/m1", "{\"delta\": 2}").statusCode());
      assertEquals(409, api.send("POST", "/counters/m1", "{\"expect\": 0, \"update\": 5}").statusCode());
      assertEquals(200, api.get("/counters/m1").statusCode());
      HttpResponse<String> lock = api.send("POST", "/locks/m1", "{}");
      assertEquals(200, lock.statusCode(), lock.body());
      long token = Http.json(lock).getLong("token");
      assertEquals(200, api.send("DELETE", "/locks/m1?token=" + token, null).statusCode());

      HttpResponse<String> job = api.send("POST", "/jobs", new JsonObject()
          .put("source", new JsonObject().put("type", "feedback").put("productId", 1)).encode());
      assertEquals(202, job.statusCode(), job.body());
      long id = Http.json(job).getLong("id");
      assertTrue(Await.eventually(Duration.ofSeconds(60),
          () -> "succeeded".equals(Http.json(api.get("/jobs/" + id)).getString("state"))), api.get("/jobs/" + id).body());
      int partitions = Http.json(api.get("/jobs/" + id)).getInteger("total");

      String timer = Metrics.COORDINATION.replace('.', '_') + "_seconds_count";
      String[] ended = {"storefront_jobs_ended_total", "state", "succeeded"};
      assertTrue(Await.eventually(Duration.ofSeconds(10), () -> scrape(node).sum(ended[0], ended[1], ended[2]) == 1));
      PrometheusText m = scrape(node);
      assertEquals(1, m.sum(timer, "op", "counter.update", "outcome", "ok"), 0.0);
      assertEquals(1, m.sum(timer, "op", "counter.update", "outcome", "conflict"), 0.0);
      assertEquals(1, m.sum(timer, "op", "counter.get", "outcome", "ok"), 0.0);
      assertEquals(1, m.sum(timer, "op", "lock.acquire", "outcome", "ok"), 0.0);
      assertEquals(1, m.sum(timer, "op", "lock.release", "outcome", "ok"), 0.0);
      assertTrue(m.sum(timer, "op", "stats.flush", "outcome", "ok") >= 1, "request stats flushes are timed");
      assertEquals(1, m.sum("storefront_jobs_submitted_total"), 0.0);
      assertEquals(partitions, m.sum("storefront_jobs_map_seconds_count", "type", "feedback"), 0.0);
      assertEquals(1, m.sum("storefront_jobs_reduce_seconds_count"), 0.0);
      assertEquals(1, m.sum("storefront_jobs_duration_seconds_count"), 0.0);
      // event-bus addresses with a job id are folded into one series
      assertTrue(m.samples().stream().noneMatch(s -> s.labels().getOrDefault("address", "").matches(".*\\.\\d+$")),
          "an id became an address label");
    } finally {
      node.drain();
    }
  }

  @Test
  @DisplayName("while the node does not serve the shared port (starting, draining) its management /health/ready is a 503; /health/live answers")
  void notReadyUnlessServing() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ManagementVerticle management = new ManagementVerticle(() -> false);
      vertx.deployVerticle(management, new DeploymentOptions().setConfig(settings(false).toJson()))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      Http http = new Http(management.actualPort());
      HttpResponse<String> ready = http.get("/health/ready");
      assertEquals(503, ready.statusCode(), ready.body());
      assertTrue(ready.body().contains("starting or draining"), ready.body());
      assertEquals(200, http.get("/health/live").statusCode());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("management.port is a base: the node's index is added, 0 means any free port, and a taken port fails start-up naming the setting")
  void managementPort() throws Exception {
    Settings s = settings(true);
    assertEquals(9102, ManagementVerticle.port(s.with("management.port", 9100), 2));
    assertEquals(9100, ManagementVerticle.port(s.with("management.port", 9100), 0));
    assertEquals(0, ManagementVerticle.port(s.with("management.port", 0), 3));
    assertThrows(SettingsException.class, () -> ManagementVerticle.port(s.with("management.port", 65535), 1));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> start(s.with("management.port", taken.getLocalPort())));
      assertInstanceOf(SettingsException.class, e.getCause(), String.valueOf(e.getCause()));
      assertTrue(e.getCause().getMessage().contains("management.port"), e.getCause().getMessage());
    }
  }
}
