package dev.storefront.node;

import dev.storefront.cluster.FreePorts;
import dev.storefront.config.Settings;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.http.ApiContract;
import dev.storefront.testing.Await;
import dev.storefront.testing.Http;
import dev.storefront.testing.TestDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The OpenAPI contract against the node that serves it: the router's routes and the contract's operations are the
 * same set, real answers of every operation (success and its error classes) conform to the contract's schemas, and
 * requests the contract refuses get the usual 400 naming what is wrong.
 */
@Tag("database")
class ApiContractTest {

  private static final String TOKEN = "contract-test-token";
  private static Node node;
  private static Http api;
  private static OpenAPIContract contract;
  private static ResponseValidator responses;
  private static final Set<String> checked = new TreeSet<>();

  @BeforeAll
  static void start() throws Exception {
    // a small catalog (the sample data takes half a minute to load): brand 1 with products 100, 101, 102
    DatabaseUrl db = TestDatabase.withOneProduct("sf_contract_test", 3);
    TestDatabase.execute(db, "INSERT INTO product (product_id, product_name, brand_id) VALUES (101, 'Second', 1), (102, 'Third', 1)");
    java.nio.file.Path data = Files.createTempDirectory("sf-contract");
    Files.writeString(data.resolve("tiny.tsv"), "apple\t2000\t3\t1\npear\t2001\t5\t2\napple\t2002\t4\t1\n");
    java.nio.file.Path bench = Files.createTempDirectory("sf-contract-bench");
    Files.createDirectories(bench.resolve("http-1"));
    Files.writeString(bench.resolve("http-1/report.html"), "<!doctype html><title>a report</title>");
    Settings settings = Settings.defaults().with("db.url", db.uri()).with("http.port", FreePorts.any())
        .with("management.port", 0).with("metrics.enabled", false).with("node.eventLoops", 1)
        .with("jobs.workersPerNode", 1).with("jobs.dataDir", data.toString()).with("admin.token", TOKEN)
        .with("dashboard.benchDir", bench.toString());
    node = new Node(settings, false).start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    api = new Http(node.card().getInteger("httpPort"));
    contract = Await.await(ApiContract.load(node.vertx())).contract();
    responses = ResponseValidator.create(node.vertx(), contract);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.drain();
    }
  }

  @Test
  @DisplayName("every route the router serves is an operation of the contract, and every operation is served")
  void routesAndContractAgree() {
    Set<String> served = new TreeSet<>();
    for (Route route : node.httpRouter().getRoutes()) {
      if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
        continue; // handlers for every request (gate, validation) and the admin token's guards
      }
      String path = route.getPath().replaceAll(":([A-Za-z]+)", "{$1}");
      if (path.length() > 1 && path.endsWith("/")) {
        path = wildcard(path); // "/x/*" is the contract's "/x/{name}" (its one parameter may hold slashes)
      }
      for (HttpMethod method : route.methods()) {
        served.add(method.name() + " " + path);
      }
    }
    Set<String> described = new TreeSet<>();
    for (Path path : contract.getPaths()) {
      for (Operation op : path.getOperations()) {
        described.add(op.getHttpMethod().name() + " " + path.getName());
      }
    }
    Set<String> missing = new TreeSet<>(served);
    missing.removeAll(described);
    Set<String> unserved = new TreeSet<>(described);
    unserved.removeAll(served);
    assertTrue(missing.isEmpty() && unserved.isEmpty(), "routes served but missing from openapi.yaml: " + missing
        + "; operations in openapi.yaml that no route serves: " + unserved);
  }

  @Test
  @DisplayName("GET /openapi.yaml serves the contract as YAML")
  void servesTheContract() {
    HttpResponse<String> r = api.get("/openapi.yaml");
    assertEquals(200, r.statusCode());
    assertEquals("application/yaml", r.headers().firstValue("content-type").orElse(""));
    assertTrue(r.body().startsWith("openapi: 3.1.0"), r.body().substring(0, 40));
  }

  @Test
  @DisplayName("requests the contract refuses are a 400 bad_request naming the parameter or the body")
  void refusals() {
    refused(get("/brands/abc"), "path parameter id");
    refused(get("/brands/0"), "path parameter id");
    refused(get("/jobs/99999999999"), "path parameter id");
    refused(get("/products?limit=500"), "query parameter limit");
    refused(get("/products?brand=x"), "query parameter brand");
    refused(get("/jobs/1/result?top=-1"), "query parameter top");
    refused(admin("POST", "/counters/c1", "{\"delta\": \"five\"}"), "request body");
    refused(admin("POST", "/locks/l1", "{\"timeoutMs\": 600000}"), "request body");
    refused(admin("DELETE", "/locks/l1", null), "query parameter token");
    refused(admin("GET", "/counters/bad%20name", null), "path parameter name");
    refused(send("PUT", "/inventory/sku-1", "{\"quantity\": -1, \"token\": 1, \"lock\": \"l\"}"), "request body");
    refused(send("POST", "/jobs", "{\"source\": {\"type\": \"tarball\"}}"), "request body");
    // the hot route is not validated by the contract (HttpVerticle.UNCHECKED): its own check answers
    refused(get("/products/abc"), "id must be a positive integer");
    // names that look like numbers are names (the validator must not read "2.5" as a number)
    assertEquals(200, admin("GET", "/counters/2.5", null).statusCode());
    assertEquals(200, admin("GET", "/counters/-1", null).statusCode());
    assertEquals(404, get("/jobs/987654/result?word=2.5&word=C%2B%2B&word=AT%26T&word=true").statusCode()); // valid, no such job
  }

  @Test
  @DisplayName("real answers of every operation, success and error, conform to the contract's schemas")
  void answersConform() {
    // catalog
    conforms("getProduct", get("/products/100"), 200);
    conforms("getProduct", get("/products/999999"), 404);
    conforms("getProduct", get("/products/abc"), 400);
    conforms("getProduct", get("/products/1?x=1"), 400);
    conforms("getProduct", send("DELETE", "/products/1", null), 405);
    HttpResponse<String> page = get("/products?brand=1&limit=2");
    conforms("listProducts", page, 200);
    conforms("listProducts", get(new JsonObject(page.body()).getString("nextUrl")), 200);
    conforms("listProducts", get("/products?limit=0"), 400);
    conforms("getBrand", get("/brands/1"), 200);
    conforms("getBrand", get("/brands/2"), 404);
    conforms("getBrand", get("/brands/-3"), 400);
    conforms("listBrands", get("/brands"), 200);
    conforms("listBrands", get("/brands?all=1"), 400);
    // health, cluster, stats, contract
    conforms("live", get("/health/live"), 200);
    conforms("ready", get("/health/ready"), 200);
    conforms("cluster", get("/cluster"), 200);
    conforms("clusterTargets", get("/cluster/targets"), 200);
    conforms("stats", get("/stats"), 200);
    conforms("stats", get("/stats?node=1"), 400);
    conforms("contract", get("/openapi.yaml"), 200);
    // counters, locks, coordination (admin.token is set)
    conforms("getCounter", admin("GET", "/counters/orders", null), 200);
    conforms("getCounter", send("GET", "/counters/orders", null), 401);
    conforms("updateCounter", admin("POST", "/counters/orders", "{\"delta\": 5}"), 200);
    conforms("updateCounter", admin("POST", "/counters/orders", "{\"expect\": 5, \"update\": 9}"), 200);
    conforms("updateCounter", admin("POST", "/counters/orders", "{\"expect\": 5, \"update\": 10}"), 409);
    conforms("updateCounter", admin("POST", "/counters/orders", "{}"), 400);
    conforms("coordination", admin("GET", "/coordination", null), 200);
    conforms("coordination", send("GET", "/coordination", null), 401);
    HttpResponse<String> lock = admin("POST", "/locks/sku-7", "{\"timeoutMs\": 0, \"leaseMs\": 10000}");
    conforms("acquireLock", lock, 200);
    long token = new JsonObject(lock.body()).getLong("token");
    conforms("acquireLock", admin("POST", "/locks/sku-7", null), 409);
    conforms("acquireLock", admin("POST", "/locks/sku-7", "{\"wait\": 1}"), 400);
    conforms("listLocks", admin("GET", "/locks", null), 200);
    // inventory fenced by that lock
    conforms("putInventory", send("PUT", "/inventory/sku-7", "{\"quantity\": 5, \"token\": " + token + ", \"lock\": \"sku-7\"}"), 200);
    conforms("putInventory", send("PUT", "/inventory/sku-7", "{\"quantity\": 6, \"token\": " + token + ", \"lock\": \"sku-7\"}"), 409);
    conforms("putInventory", send("PUT", "/inventory/sku-7", "{\"quantity\": 6}"), 400);
    conforms("getInventory", get("/inventory/sku-7"), 200);
    conforms("getInventory", get("/inventory/no-such-sku"), 404);
    conforms("getInventory", get("/inventory/bad%20sku"), 400);
    conforms("releaseLock", admin("DELETE", "/locks/sku-7?token=" + (token + 1000), null), 409);
    conforms("releaseLock", admin("DELETE", "/locks/sku-7?token=" + token, null), 200);
    conforms("releaseLock", admin("DELETE", "/locks/sku-7?token=x", null), 400);
    // jobs
    HttpResponse<String> submitted = send("POST", "/jobs", "{\"source\": {\"type\": \"ngrams\", \"path\": \"tiny.tsv\"}}");
    conforms("submitJob", submitted, 202);
    long job = new JsonObject(submitted.body()).getLong("id");
    conforms("submitJob", send("POST", "/jobs", "{\"source\": {\"type\": \"ngrams\", \"path\": \"absent.tsv\"}}"), 404);
    conforms("submitJob", send("POST", "/jobs", "{\"source\": {\"type\": \"ngrams\", \"path\": \"../x\"}}"), 400);
    conforms("submitJob", send("POST", "/jobs", "[1]"), 400);
    assertTrue(Await.eventually(Duration.ofSeconds(20), () -> new JsonObject(get("/jobs/" + job).body())
        .getString("state").equals("succeeded")), "job " + job + " did not succeed: " + get("/jobs/" + job).body());
    conforms("getJob", get("/jobs/" + job), 200);
    conforms("getJob", get("/jobs/987654"), 404);
    conforms("getJob", get("/jobs/x"), 400);
    HttpResponse<String> result = get("/jobs/" + job + "/result?word=apple&word=pear&top=2");
    conforms("getJobResult", result, 200);
    assertEquals(7, new JsonObject(result.body()).getJsonObject("words").getInteger("apple"), result.body());
    conforms("getJobResult", get("/jobs/987654/result"), 404);
    HttpResponse<String> events = get("/jobs/" + job + "/events");
    assertEquals(200, events.statusCode());
    assertTrue(events.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
    assertTrue(events.body().contains("\"state\":\"succeeded\""), events.body());
    checked.add("jobEvents");
    conforms("jobEvents", get("/jobs/987654/events"), 404);
    conforms("cancelJob", send("DELETE", "/jobs/" + job, null), 409);
    conforms("cancelJob", send("DELETE", "/jobs/987654", null), 404);
    conforms("listJobs", get("/jobs?limit=5"), 200);
    assertEquals(job, new JsonObject(get("/jobs?limit=1").body()).getJsonArray("jobs").getJsonObject(0).getLong("id"));
    conforms("listJobs", get("/jobs?limit=0"), 400);
    conforms("listJobSources", get("/jobs/sources"), 200);
    assertEquals("tiny.tsv", new JsonObject(get("/jobs/sources").body()).getJsonArray("files").getJsonObject(0).getString("path"));
    conforms("listJobSources", get("/jobs/sources?all=1"), 400);
    HttpResponse<java.io.InputStream> feed = api.send(HttpRequest.newBuilder(URI.create(base() + "/jobs/events")).GET(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (java.io.InputStream open = feed.body()) {
      conforms("jobFeed", feed.statusCode(), feed.headers(), null, 200); // a stream that stays open: status and headers
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    conforms("jobFeed", get("/jobs/events?x=1"), 400);
    // the dashboard and bench reports
    HttpResponse<String> home = get("/");
    conforms("dashboard", home, 200);
    assertTrue(home.headers().firstValue("content-type").orElse("").startsWith("text/html"), home.headers().toString());
    conforms("dashboard", get("/?x=1"), 400);
    conforms("dashboardFile", get("/dashboard/dashboard.js"), 200);
    conforms("dashboardFile", get("/dashboard/absent.js"), 404);
    HttpResponse<String> reports = get("/bench/reports");
    conforms("listBenchReports", reports, 200);
    assertEquals("http-1/report.html", new JsonObject(reports.body()).getJsonArray("reports").getJsonObject(0).getString("path"));
    conforms("listBenchReports", get("/bench/reports?x=1"), 400);
    conforms("getBenchReport", get("/bench/reports/http-1/report.html"), 200);
    conforms("getBenchReport", get("/bench/reports/http-2/report.html"), 404);
    conforms("getBenchReport", get("/bench/reports/http-1/..%5Creport.html"), 400);

    Set<String> unchecked = new TreeSet<>();
    contract.operations().forEach(op -> unchecked.add(op.getOperationId()));
    unchecked.removeAll(checked);
    assertTrue(unchecked.isEmpty(), "operations whose answers this test does not check: " + unchecked);
  }

  private static void refused(HttpResponse<String> r, String names) {
    assertEquals(400, r.statusCode(), r.body());
    JsonObject body = new JsonObject(r.body());
    assertEquals("bad_request", body.getString("error"), r.body());
    assertTrue(body.getString("message").contains(names), "the message should name " + names + ": " + r.body());
  }

  /** Checks the answer's status, then validates status, headers and body against operation {@code id}'s response. */
  private static void conforms(String id, HttpResponse<String> r, int status) {
    conforms(id, r.statusCode(), r.headers(), r.body(), status);
  }

  /** As above, for an answer whose {@code body} was not read (null). */
  private static void conforms(String id, int actual, java.net.http.HttpHeaders received, String body, int status) {
    assertEquals(status, actual, id + ": " + body);
    Map<String, String> headers = new HashMap<>();
    received.map().forEach((name, values) -> headers.put(name, values.get(0)));
    String type = received.firstValue("content-type").orElse(null);
    boolean json = body != null && type != null && type.startsWith("application/json");
    ValidatableResponse response = json
        ? ValidatableResponse.create(actual, headers, Buffer.buffer(body.getBytes(StandardCharsets.UTF_8)), type)
        : ValidatableResponse.create(actual, headers); // YAML, HTML, files and event streams: described in words
    try {
      Await.await(responses.validate(response, id));
    } catch (RuntimeException e) {
      fail(id + " answered " + actual + " " + body + " against the contract: " + e.getMessage(), e);
    }
    checked.add(id);
  }

  /** The contract's path for a wildcard route's prefix {@code "/x/"}: its one path {@code "/x/{name}"}. */
  private static String wildcard(String prefix) {
    for (Path path : contract.getPaths()) {
      String rest = path.getName().startsWith(prefix) ? path.getName().substring(prefix.length()) : "";
      if (rest.matches("\\{[A-Za-z]+\\}")) {
        return path.getName();
      }
    }
    return prefix + "*";
  }

  private static String base() {
    return "http://127.0.0.1:" + node.card().getInteger("httpPort");
  }

  private static HttpResponse<String> get(String path) {
    return api.get(path);
  }

  private static HttpResponse<String> send(String method, String path, String body) {
    return api.send(method, path, body);
  }

  private static HttpResponse<String> admin(String method, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
        .header("authorization", "Bearer " + TOKEN).header("content-type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return api.send(b);
  }
}
