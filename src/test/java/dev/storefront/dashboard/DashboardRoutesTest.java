package dev.storefront.dashboard;

import dev.storefront.config.Settings;
import dev.storefront.testing.Http;
import dev.storefront.testing.TestHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard's static files from the classpath's webroot, and the bench reports of a real directory. */
class DashboardRoutesTest {

  @TempDir
  static Path tmp;
  private static Vertx vertx;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    Path bench = Files.createDirectories(tmp.resolve("bench"));
    Path run = Files.createDirectories(bench.resolve("http-20260101-120000"));
    Files.writeString(run.resolve("report.html"), "<html><body>run one</body></html>");
    Files.writeString(run.resolve("result.json"), "{\"requests\": 1}");
    Files.writeString(run.resolve("latency.hlog"), "#[hlog]");
    Files.writeString(bench.resolve("scaling.html"), "<html><body><img src=\"throughput.svg\"></body></html>");
    Files.writeString(bench.resolve("throughput.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    Files.setLastModifiedTime(run.resolve("report.html"), FileTime.fromMillis(1_000_000_000_000L));
    Files.setLastModifiedTime(bench.resolve("scaling.html"), FileTime.fromMillis(1_700_000_000_000L));
    Path outside = Files.writeString(tmp.resolve("secret.html"), "secret");
    Files.createSymbolicLink(bench.resolve("escape.html"), outside);
    vertx = Vertx.vertx();
    Settings settings = Settings.defaults().with("dashboard.benchDir", bench.toString());
    http = new Http(await(TestHttp.serve(vertx, settings, r -> DashboardRoutes.mount(r, vertx, settings))));
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static void assertError(int status, String path) {
    HttpResponse<String> r = http.get(path);
    assertEquals(status, r.statusCode(), path + ": " + r.body());
    JsonObject body = Http.json(r);
    assertTrue(body.containsKey("error") && body.containsKey("message"), path + ": " + r.body());
  }

  @Test
  @DisplayName("GET / is the dashboard page from the jar's webroot, with a same-origin content policy; its script, style and uPlot are served")
  void page() {
    HttpResponse<String> page = http.get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"), page.headers().toString());
    assertTrue(page.body().contains("dashboard/dashboard.js"), page.body());
    assertTrue(page.headers().firstValue("content-security-policy").orElse("").contains("default-src 'self'"));
    for (String asset : List.of("/dashboard/dashboard.js", "/dashboard/dashboard.css", "/dashboard/vendor/uplot/uPlot.iife.min.js",
        "/dashboard/vendor/uplot/LICENSE")) {
      HttpResponse<String> r = http.get(asset);
      assertEquals(200, r.statusCode(), asset);
      assertTrue(r.body().length() > 500, asset);
    }
    assertError(404, "/dashboard/missing.js");
    assertError(400, "/?x=1");
  }

  @Test
  @DisplayName("GET /bench/reports lists the HTML reports newest first, with their run")
  void list() {
    JsonObject answer = Http.json(http.get("/bench/reports"));
    JsonArray reports = answer.getJsonArray("reports");
    List<String> paths = reports.stream().map(o -> ((JsonObject) o).getString("path")).toList();
    assertEquals(List.of("scaling.html", "http-20260101-120000/report.html"), paths.subList(0, 2), answer.encode());
    assertEquals("http-20260101-120000", reports.getJsonObject(1).getString("run"));
    assertEquals(1_700_000_000_000L, reports.getJsonObject(0).getLong("modifiedAt"));
  }

  @Test
  @DisplayName("GET /bench/reports/<path> serves a report, its SVG and JSON, sandboxed")
  void serve() {
    HttpResponse<String> report = http.get("/bench/reports/http-20260101-120000/report.html");
    assertEquals(200, report.statusCode());
    assertEquals("<html><body>run one</body></html>", report.body());
    assertTrue(report.headers().firstValue("content-security-policy").orElse("").startsWith("sandbox"));
    assertEquals("nosniff", report.headers().firstValue("x-content-type-options").orElse(""));
    assertEquals("image/svg+xml", http.get("/bench/reports/throughput.svg").headers().firstValue("content-type").orElse(""));
    assertEquals("{\"requests\": 1}", http.get("/bench/reports/http-20260101-120000/result.json").body());
  }

  @Test
  @DisplayName("a report path outside the directory (dot segments, encoded slashes, a link out, absolute) is a 4xx, never a read")
  void badPaths() {
    assertError(400, "/bench/reports/..%2Fsecret.html");
    assertError(400, "/bench/reports/http-20260101-120000%2F..%2F..%2Fsecret.html");
    assertError(400, "/bench/reports/%2Ftmp%2Fsecret.html");
    assertError(400, "/bench/reports/escape.html");
    assertError(400, "/bench/reports/a%5C..%5Csecret.html");
    assertError(400, "/bench/reports/x%00.html");
    assertError(404, "/bench/reports/http-20260101-120000/latency.hlog");
    assertError(404, "/bench/reports/nothing.html");
    assertError(404, "/bench/reports/http-20260101-120000");
    assertError(400, "/bench/reports/scaling.html?download=1");
    HttpResponse<String> traversal = http.get("/bench/reports/../../secret.html"); // the router normalises it away
    assertTrue(traversal.statusCode() >= 400 && traversal.statusCode() < 500, traversal.body());
    assertTrue(!traversal.body().contains("secret") || traversal.body().contains("\"error\""), traversal.body());
  }
}
