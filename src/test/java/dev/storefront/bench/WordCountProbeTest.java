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

import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class WordCountProbeTest {

  private HttpServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private String serve(Vertx vertx, io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> h) throws Exception {
    server = vertx.createHttpServer().requestHandler(h).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + server.actualPort();
  }

  @Test
  @DisplayName("a Storefront without the job API gives 'skipped' with the reason")
  void skippedWithoutJobApi(Vertx vertx) throws Exception {
    String base = serve(vertx, req -> req.response().setStatusCode(404).end("{\"error\":\"not_found\"}"));
    JsonObject r = WordCountProbe.run(base, Duration.ofSeconds(5));
    assertEquals("skipped", r.getString("status"));
    assertTrue(r.getString("reason").contains("404"), r.encode());
  }

  @Test
  @DisplayName("an unreachable Storefront gives 'skipped', not an exception")
  void skippedWhenUnreachable() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    JsonObject r = WordCountProbe.run("http://127.0.0.1:" + port, Duration.ofSeconds(5));
    assertEquals("skipped", r.getString("status"));
    assertTrue(r.getString("reason").contains("unreachable"), r.encode());
  }

  @Test
  @DisplayName("a submitted job is polled until it succeeds, and its time is reported")
  void polledUntilDone(Vertx vertx) throws Exception {
    AtomicInteger polls = new AtomicInteger();
    AtomicReference<JsonObject> submitted = new AtomicReference<>();
    String base = serve(vertx, req -> {
      if (req.method() == HttpMethod.POST && req.path().equals("/jobs")) {
        req.body().onSuccess(b -> {
          submitted.set(b.toJsonObject());
          req.response().setStatusCode(202).end(new JsonObject().put("id", 7).put("state", "pending").encode());
        });
      } else if (req.path().equals("/jobs/7")) {
        String state = polls.incrementAndGet() < 3 ? "running" : "succeeded";
        req.response().end(new JsonObject().put("id", 7).put("state", state).encode());
      } else {
        req.response().setStatusCode(404).end();
      }
    });
    JsonObject r = WordCountProbe.run(base, Duration.ofSeconds(10));
    assertEquals("ok", r.getString("status"), r.encode());
    assertEquals(3, polls.get());
    assertTrue(r.getDouble("seconds") > 0);
    assertEquals("succeeded", r.getJsonObject("job").getString("state"));
    assertEquals(WordCountProbe.JOB, submitted.get());
  }

  @Test
  @DisplayName("a job that fails is reported as failed")
  void failedJob(Vertx vertx) throws Exception {
    String base = serve(vertx, req -> req.response().setStatusCode(req.method() == HttpMethod.POST ? 202 : 200)
        .end(new JsonObject().put("id", 1).put("state", req.method() == HttpMethod.POST ? "pending" : "failed").encode()));
    JsonObject r = WordCountProbe.run(base, Duration.ofSeconds(10));
    assertEquals("failed", r.getString("status"), r.encode());
  }
}
