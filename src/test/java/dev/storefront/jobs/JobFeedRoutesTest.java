package dev.storefront.jobs;

import dev.storefront.config.Settings;
import dev.storefront.testing.Await;
import dev.storefront.testing.Http;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the dashboard follows: the newest jobs, the stream of every job's events, the data directory's files. */
class JobFeedRoutesTest {

  @TempDir
  static Path tmp;
  private static Vertx vertx;
  private static Http http;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    JobsTesting.generate(data.resolve("b.tsv"), 50_000, 3);
    Files.createDirectories(data.resolve("sub"));
    JobsTesting.generate(data.resolve("sub/a.tsv"), 1_000, 4);
    Files.writeString(data.resolve(".hidden"), "x");
    Path outside = JobsTesting.generate(tmp.resolve("outside.tsv"), 10, 5);
    Files.createSymbolicLink(data.resolve("link-out.tsv"), outside);
    vertx = Vertx.vertx();
    Settings settings = Settings.defaults().with("jobs.dataDir", data.toString()).with("jobs.workersPerNode", 1);
    port = JobsTesting.serve(vertx, settings);
    http = new Http(port);
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static long submit(String path) {
    HttpResponse<String> r = http.send("POST", "/jobs", new JsonObject()
        .put("source", new JsonObject().put("type", "ngrams").put("path", path)).put("partitionBytes", 100_000).encode());
    assertEquals(202, r.statusCode(), r.body());
    return Http.json(r).getLong("id");
  }

  @Test
  @DisplayName("GET /jobs/sources lists the data directory's regular files (no hidden files, no links), and says feedback needs a database")
  void sources() {
    JsonObject answer = Http.json(http.get("/jobs/sources"));
    JsonArray files = answer.getJsonArray("files");
    assertEquals(List.of("b.tsv", "sub/a.tsv"), files.stream().map(f -> ((JsonObject) f).getString("path")).toList(), answer.encode());
    assertTrue(files.getJsonObject(0).getLong("bytes") > 100_000);
    assertFalse(answer.getBoolean("feedback"));
  }

  @Test
  @DisplayName("GET /jobs/events streams every job's progress to its end; closing the stream releases it on the node")
  void events() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jobs/events"))
        .timeout(Duration.ofSeconds(60)).build();
    HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, stream.statusCode());
    assertEquals("text/event-stream", stream.headers().firstValue("content-type").orElse(""));
    BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
    String line;
    while ((line = lines.readLine()) != null && !line.equals("event: open")) {
      // the stream says when it follows the cluster's events
    }
    assertEquals(1, JobFeedRoutes.followers(vertx).open.get());
    long id = submit("b.tsv");
    JsonObject last = null;
    long lastDone = -1;
    while ((line = lines.readLine()) != null) {
      if (line.startsWith("data: ")) {
        JsonObject event = new JsonObject(line.substring(6));
        if (Long.valueOf(id).equals(event.getLong("id"))) {
          assertTrue(event.getLong("done", 0L) >= lastDone, "progress never goes back: " + event);
          lastDone = event.getLong("done", 0L);
          last = event;
          if (JobStates.TERMINAL.contains(event.getString("state"))) {
            break;
          }
        }
      }
    }
    assertEquals("succeeded", last.getString("state"), String.valueOf(last));
    assertEquals(last.getInteger("total"), last.getInteger("done"));
    stream.body().close();
    assertTrue(Await.eventually(Duration.ofSeconds(10), () -> JobFeedRoutes.followers(vertx).open.get() == 0),
        "the closed stream's consumer was not released");
  }

  @Test
  @DisplayName("a server shutting down (a node draining) ends an open /jobs/events stream cleanly and at once (without the shutdown handler the connection is cut: IOException)")
  void drainEndsStream() throws Exception {
    Router router = Router.router(vertx);
    Settings settings = Settings.defaults();
    JobFeedRoutes.mount(router, vertx, settings);
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/jobs/events"))
        .timeout(Duration.ofSeconds(60)).build();
    HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
    BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
    String line;
    while ((line = lines.readLine()) != null && !line.equals("event: open")) {
      // opened
    }
    long start = System.nanoTime();
    Future<Void> shutdown = server.shutdown(30, TimeUnit.SECONDS);
    while (lines.readLine() != null) {
      // the rest of the stream, until the server ends it
    }
    await(shutdown);
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds < 10, "the stream ended " + seconds + " s after the shutdown began (its timeout: 30 s)");
    assertTrue(Await.eventually(Duration.ofSeconds(10), () -> JobFeedRoutes.followers(vertx).open.get() == 0));
  }

  @Test
  @DisplayName("GET /jobs lists the newest jobs first, as GET /jobs/{id} reads them; limit is checked")
  void recent() {
    long first = submit("sub/a.tsv");
    long second = submit("sub/a.tsv");
    JsonArray jobs = Http.json(http.get("/jobs?limit=2")).getJsonArray("jobs");
    assertEquals(List.of(second, first), jobs.stream().map(j -> ((JsonObject) j).getLong("id")).toList());
    assertTrue(jobs.getJsonObject(0).getJsonObject("source").getString("path").endsWith("a.tsv"));
    for (String bad : List.of("/jobs?limit=0", "/jobs?limit=101", "/jobs?limit=x", "/jobs?other=1")) {
      HttpResponse<String> r = http.get(bad);
      assertEquals(400, r.statusCode(), bad);
      assertTrue(Http.json(r).containsKey("message"), bad);
    }
  }
}
