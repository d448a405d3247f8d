package dev.storefront.jobs;

import dev.storefront.config.Settings;
import dev.storefront.testing.Await;
import dev.storefront.testing.Http;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The jobs HTTP API on one (non-clustered) node with two worker verticles and real files. */
class JobsApiTest {

  @TempDir
  static Path tmp;
  private static Path dataDir;
  private static Path outside;
  private static ReferenceCount reference;
  private static Vertx vertx;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    dataDir = Files.createDirectories(tmp.resolve("data"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    JobsTesting.generate(dataDir.resolve("ngrams.tsv"), 200_000, 11);
    JobsTesting.generate(dataDir.resolve("big.tsv"), 2_000_000, 12);
    JobsTesting.generate(outside.resolve("secret.tsv"), 10, 1);
    Files.createSymbolicLink(dataDir.resolve("link-out.tsv"), outside.resolve("secret.tsv"));
    Files.createDirectories(dataDir.resolve("sub"));
    Files.createSymbolicLink(dataDir.resolve("sub/link-in.tsv"), dataDir.resolve("ngrams.tsv"));
    reference = ReferenceCount.of(dataDir.resolve("ngrams.tsv"));
    vertx = Vertx.vertx();
    Settings settings = Settings.defaults().with("jobs.dataDir", dataDir.toString()).with("jobs.workersPerNode", 2);
    http = new Http(JobsTesting.serve(vertx, settings));
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static long submit(String path, long partitionBytes) {
    HttpResponse<String> r = http.send("POST", "/jobs", new JsonObject()
        .put("source", new JsonObject().put("type", "ngrams").put("path", path))
        .put("partitionBytes", partitionBytes).encode());
    assertEquals(202, r.statusCode(), r.body());
    long id = Http.json(r).getLong("id");
    assertEquals("/jobs/" + id, r.headers().firstValue("location").orElse(""));
    return id;
  }

  private static JsonObject awaitState(long id, String state) {
    JsonObject[] last = {null};
    boolean reached = Await.eventually(Duration.ofSeconds(60), () -> {
      last[0] = Http.json(http.get("/jobs/" + id));
      return state.equals(last[0].getString("state"));
    });
    assertTrue(reached, "job " + id + " did not reach " + state + ": " + last[0]);
    return last[0];
  }

  @Test
  @DisplayName("POST /jobs counts a file exactly; GET /jobs/{id} shows it succeeded with every partition done")
  void countsExactly() {
    long id = submit("ngrams.tsv", 50_000);
    JsonObject state = awaitState(id, "succeeded");
    assertEquals(state.getInteger("total"), state.getInteger("done"));
    assertTrue(state.getInteger("total") > 40, state.encode());
    assertEquals(reference.lines, state.getLong("lines"));
    assertEquals(reference.counts.size(), state.getLong("distinctWords"));
    assertEquals(reference.total(), state.getLong("totalCount"));
    assertEquals(0, state.getLong("malformedLines"));
    assertTrue(state.getDouble("elapsedSeconds") >= 0);

    List<Map.Entry<String, Long>> expectedTop = new ArrayList<>(reference.counts.entrySet());
    expectedTop.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    String rare = expectedTop.get(expectedTop.size() - 1).getKey();
    HttpResponse<String> r = http.get("/jobs/" + id + "/result?top=5&word=" + URLEncoder.encode(rare, StandardCharsets.UTF_8)
        + "&word=" + expectedTop.get(0).getKey() + "&word=no-such-word");
    assertEquals(200, r.statusCode(), r.body());
    JsonObject result = Http.json(r);
    assertEquals(reference.counts.get(rare), result.getJsonObject("words").getLong(rare));
    assertEquals(expectedTop.get(0).getValue(), result.getJsonObject("words").getLong(expectedTop.get(0).getKey()));
    assertEquals(0L, result.getJsonObject("words").getLong("no-such-word"));
    JsonArray top = result.getJsonArray("top");
    assertEquals(5, top.size());
    for (int i = 0; i < 5; i++) {
      assertEquals(expectedTop.get(i).getValue(), top.getJsonArray(i).getLong(1));
      assertEquals(reference.counts.get(top.getJsonArray(i).getString(0)), top.getJsonArray(i).getLong(1));
    }
  }

  @Test
  @DisplayName("GET /jobs/{id}/events streams progress and ends with the terminal state")
  void serverSentEvents() throws Exception {
    long id = submit("ngrams.tsv", 20_000);
    HttpResponse<java.util.stream.Stream<String>> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/jobs/" + id + "/events")).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
    List<JsonObject> events = new ArrayList<>();
    r.body().filter(l -> l.startsWith("data: ")).forEach(l -> events.add(new JsonObject(l.substring(6))));
    assertFalse(events.isEmpty());
    JsonObject last = events.get(events.size() - 1);
    assertEquals("succeeded", last.getString("state"), last.encode());
    assertEquals(last.getInteger("total"), last.getInteger("done"));
    assertEquals(reference.total(), last.getLong("totalCount"));
    long previous = -1;
    for (JsonObject e : events) {
      long done = e.getLong("done", 0L);
      assertTrue(done >= previous, "progress never goes back");
      previous = done;
    }
  }

  private static int port() {
    return Integer.parseInt(http.get("/jobs/999999").uri().toString().replaceAll(".*:(\\d+)/.*", "$1"));
  }

  @Test
  @DisplayName("a symlink to a file inside the data directory is accepted")
  void symlinkInside() {
    long id = submit("sub/link-in.tsv", 0);
    assertEquals(reference.total(), awaitState(id, "succeeded").getLong("totalCount"));
  }

  @Test
  @DisplayName("paths outside the data directory are 400: '..', absolute elsewhere, a symlink out; a missing file is 404")
  void badPaths() {
    for (String path : List.of("../outside/secret.tsv", outside.resolve("secret.tsv").toString(), "link-out.tsv", "sub/../../outside/secret.tsv", "/etc/passwd")) {
      HttpResponse<String> r = http.send("POST", "/jobs", new JsonObject()
          .put("source", new JsonObject().put("type", "ngrams").put("path", path)).encode());
      assertEquals(400, r.statusCode(), path + " -> " + r.body());
      assertEquals("bad_request", Http.json(r).getString("error"));
    }
    HttpResponse<String> missing = http.send("POST", "/jobs", new JsonObject()
        .put("source", new JsonObject().put("type", "ngrams").put("path", "nope.tsv")).encode());
    assertEquals(404, missing.statusCode(), missing.body());
  }

  @Test
  @DisplayName("malformed job requests are 400 with a message")
  void badRequests() {
    for (String body : List.of("{", "{}", "{\"source\": 3}", "{\"source\": {\"type\": \"pictures\"}}",
        "{\"source\": {\"type\": \"ngrams\"}}", "{\"source\": {\"type\": \"ngrams\", \"path\": \"ngrams.tsv\"}, \"partitionBytes\": -1}",
        "{\"source\": {\"type\": \"feedback\", \"productId\": 0}}")) {
      HttpResponse<String> r = http.send("POST", "/jobs", body);
      assertEquals(400, r.statusCode(), body + " -> " + r.body());
      assertFalse(Http.json(r).getString("message").isBlank());
    }
  }

  @Test
  @DisplayName("an unknown job id is 404 on every job route; a malformed one 400")
  void unknownJob() {
    assertEquals(404, http.get("/jobs/987654").statusCode());
    assertEquals(404, http.get("/jobs/987654/result").statusCode());
    assertEquals(404, http.get("/jobs/987654/events").statusCode());
    assertEquals(404, http.send("DELETE", "/jobs/987654", null).statusCode());
    assertEquals(400, http.get("/jobs/abc").statusCode());
  }

  @Test
  @DisplayName("DELETE cancels a running job: dispatching stops, workers refuse its tasks, its result is 409")
  void cancel() {
    long id = submit("big.tsv", 16_384);
    HttpResponse<String> d = http.send("DELETE", "/jobs/" + id, null);
    assertEquals(202, d.statusCode(), d.body());
    JsonObject state = awaitState(id, "cancelled");
    assertTrue(state.getInteger("done") < state.getInteger("total"), state.encode());
    assertEquals(409, http.get("/jobs/" + id + "/result").statusCode());
    assertEquals(409, http.send("DELETE", "/jobs/" + id, null).statusCode());
    // a task of the cancelled job that is still queued somewhere is dropped by the worker
    JsonObject task = new JsonObject().put("job", id).put("partition", 0).put("attempt", 2).put("shards", 2)
        .put("type", "ngrams").put("path", dataDir.resolve("big.tsv").toString()).put("start", 0L).put("end", 100L).put("gzip", false);
    ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> vertx.eventBus().request(JobAddresses.MAP, task).toCompletionStage().toCompletableFuture().get());
    assertInstanceOf(ReplyException.class, refused.getCause());
    assertEquals(WordCountWorker.CANCELLED, ((ReplyException) refused.getCause()).failureCode());
  }

  @Test
  @DisplayName("an ill-formed task sent to the workers is refused, and the workers go on taking work")
  void illFormedTask() throws Exception {
    for (int i = 0; i < 3; i++) { // more than the two workers: each one refuses one and takes the next
      ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> vertx.eventBus().request(JobAddresses.MAP, new JsonObject().put("job", "x"))
              .toCompletionStage().toCompletableFuture().get());
      assertInstanceOf(ReplyException.class, refused.getCause());
      assertEquals(WordCountWorker.FAILED, ((ReplyException) refused.getCause()).failureCode());
    }
    long id = submit("ngrams.tsv", 50_000);
    JsonObject state = awaitState(id, "succeeded");
    assertEquals(reference.total(), state.getLong("totalCount"), state.encode());
  }
}
