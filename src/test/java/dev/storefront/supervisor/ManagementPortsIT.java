package dev.storefront.supervisor;

import dev.storefront.cluster.FreePorts;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.testing.Http;
import dev.storefront.testing.PrometheusText;
import dev.storefront.bench.StorefrontProcess;
import dev.storefront.cluster.FreePorts;
import dev.storefront.testing.FatJar;
import dev.storefront.testing.TestCluster;
import dev.storefront.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code serve --processes 2} with {@code management.port} set: each node on its own management port (base + its
 * index), listed in {@code /cluster}, answering /metrics and /health for itself alone.
 */
@Tag("database")
class ManagementPortsIT {

  private static StorefrontProcess serve;
  private static Http http;
  private static int base;

  @BeforeAll
  static void start() throws Exception {
    DatabaseUrl db = TestDatabase.withSampleData("sf_management_it");
    int port = FreePorts.any();
    base = FreePorts.base(3);
    List<String> args = new ArrayList<>(List.of("serve", "--processes", "2", "--event-loops", "1", "--port", String.valueOf(port),
        "--db-url", db.uri()));
    args.addAll(TestCluster.isolated("management-it-" + port, 16400));
    args.addAll(TestCluster.quickStartNodes());
    args.addAll(List.of("--set", "management.port=" + base)); // after isolated(): the last --set wins
    serve = StorefrontProcess.start(FatJar.path(), args, port);
    http = new Http(port);
    assertTrue(serve.awaitLine("Storefront ready", Duration.ofSeconds(90)), serve.output());
  }

  @AfterAll
  static void stop() throws Exception {
    if (serve != null) {
      serve.close();
    }
  }

  private static Http at(String url) {
    URI uri = URI.create(url);
    return new Http(uri.getHost(), uri.getPort());
  }

  /** managementUrl by node name, from /cluster. */
  private static Map<String, String> managementUrls() {
    JsonObject cluster = Http.json(http.get("/cluster"));
    JsonArray members = cluster.getJsonArray("members");
    Map<String, String> urls = new HashMap<>();
    for (int i = 0; i < members.size(); i++) {
      urls.put(members.getJsonObject(i).getString("name"), members.getJsonObject(i).getString("managementUrl"));
    }
    return urls;
  }

  @Test
  @DisplayName("/cluster lists each node's managementUrl (management.port + its index), each URL's /health/ready answers, /cluster/targets lists them for Prometheus")
  void managementUrlsAnswer() {
    Map<String, String> urls = managementUrls();
    assertEquals(Map.of("node-1", "http://127.0.0.1:" + (base + 1), "node-2", "http://127.0.0.1:" + (base + 2)), urls);
    for (String url : urls.values()) {
      HttpResponse<String> ready = at(url).get("/health/ready");
      assertEquals(200, ready.statusCode(), url + ": " + ready.body());
      assertEquals(200, at(url).get("/health/live").statusCode(), url);
    }
    JsonArray targets = new JsonArray(http.get("/cluster/targets").body());
    assertEquals(new JsonArray()
        .add(new JsonObject().put("targets", new JsonArray().add("127.0.0.1:" + (base + 1))))
        .add(new JsonObject().put("targets", new JsonArray().add("127.0.0.1:" + (base + 2)))),
        new JsonArray(targets.stream().map(t -> new JsonObject().put("targets", ((JsonObject) t).getJsonArray("targets"))).toList()));
  }

  @Test
  @DisplayName("each node's /metrics shows its own requests by route pattern, tagged with its name, and a cluster of 2")
  void metricsPerNode() throws Exception {
    Map<String, Integer> served = new HashMap<>();
    for (int i = 0; i < 100; i++) {
      String node = http.nodeOfNewConnection("/products/" + (1 + i)); // "node-1 (pid N)"
      served.merge(node.substring(0, node.indexOf(' ')), 1, Integer::sum);
    }
    assertEquals(2, served.size(), "requests reached both nodes: " + served);
    Map<String, String> urls = managementUrls();
    for (Map.Entry<String, String> e : urls.entrySet()) {
      HttpResponse<String> r = at(e.getValue()).get("/metrics");
      assertEquals(200, r.statusCode(), e.getValue());
      PrometheusText m = PrometheusText.parse(r.body());
      assertEquals(served.get(e.getKey()), (int) m.sum("vertx_http_server_requests_total",
          "route", "/products/:id", "code", "200", "node", e.getKey()), e.getKey() + " counts what it served: " + served);
      assertTrue(m.samples().stream().allMatch(s -> e.getKey().equals(s.labels().get("node"))), e.getKey());
      assertEquals(2, m.sum("storefront_cluster_members"), 0.0, e.getKey());
    }
  }
}
