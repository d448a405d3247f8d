package dev.storefront.node;

import org.junit.jupiter.api.Tag;
import dev.storefront.testing.Await;
import dev.storefront.cluster.FreePorts;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.storefront.cluster.NodeLocal;
import dev.storefront.config.Settings;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.testing.TestDatabase;
import dev.storefront.http.InFlightLimit;
import dev.storefront.testing.Http;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** http.maxInFlight: a node with a limit of 2 and a slow route (whose handlers use ctx.addEndHandler), on two event loops. */
@Tag("database")
class OverloadTest {

  private static Vertx vertx;
  private static Http http;
  private static int port;
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void deploy() throws Exception {
    DatabaseUrl db = TestDatabase.withSampleData("sf_overload_test");
    port = FreePorts.any();
    vertx = Vertx.vertx();
    Settings settings = Settings.defaults().with("db.url", db.uri()).with("http.port", port).with("http.maxInFlight", 2)
        .with("http.maxStreams", 1);
    vertx.deployVerticle(() -> new HttpVerticle((router, s) -> {
              // as vert.x-web's logger and timeout handlers do: takes the response's end handler
              router.route("/slow").handler(ctx -> {
                ctx.addEndHandler(v -> { });
                ctx.next();
              });
              router.get("/slow").handler(ctx -> vertx.setTimer(Long.parseLong(ctx.request().getParam("ms")), t -> ctx.end("slow")));
              router.get("/stream").handler(ctx -> { // as the job event routes do
                InFlightLimit.openStream(ctx);
                ctx.response().setChunked(true).putHeader("content-type", "text/event-stream").write(": open\n\n");
              });
            }, () -> { }),
            new DeploymentOptions().setInstances(2).setConfig(settings.toJson()))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    http = new Http(port);
  }

  @AfterAll
  static void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static InFlightLimit limit() {
    return NodeLocal.find(vertx, InFlightLimit.class);
  }

  private static CompletableFuture<HttpResponse<String>> slow(long ms) {
    return CLIENT.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow?ms=" + ms)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("past the limit a request is a 503 with Retry-After at once, counted, logged at most once a second; "
      + "/health/live still answers; below it again, requests are served")
  void shedsPastTheLimit() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(InFlightLimit.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      List<CompletableFuture<HttpResponse<String>>> held = List.of(slow(3000), slow(3000));
      assertTrue(Await.eventually(Duration.ofSeconds(5), () -> limit().inFlight() == 2), "two slow requests in flight");
      long shedBefore = limit().shed();
      long started = System.nanoTime();
      List<Long> millis = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = i % 2 == 0 ? http.get("/products/1") : http.send("POST", "/counters/x", "{\"delta\": 1}");
        millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        assertEquals(503, r.statusCode(), r.body());
        assertEquals("1", r.headers().firstValue("retry-after").orElse(null));
        JsonObject body = Http.json(r);
        assertEquals("overloaded", body.getString("error"));
        assertTrue(body.getString("message").contains("2 requests in flight"), body.encode());
      }
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertTrue(held.stream().noneMatch(CompletableFuture::isDone), "the slow requests were still in flight");
      assertTrue(millis.stream().mapToLong(Long::longValue).max().orElseThrow() < 1000, "shed at once: " + millis);
      assertEquals(200, http.get("/health/live").statusCode(), "liveness is never shed");
      assertEquals(shedBefore + 20, limit().shed());
      long warnings = lines.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
      assertTrue(warnings >= 1 && warnings <= 1 + elapsedMs / 1000, warnings + " lines in " + elapsedMs + " ms");

      for (CompletableFuture<HttpResponse<String>> h : held) {
        assertEquals(200, h.get(10, TimeUnit.SECONDS).statusCode());
      }
      assertTrue(Await.eventually(Duration.ofSeconds(5), () -> limit().inFlight() == 0), "slots given back: " + limit().inFlight());
      assertEquals(200, http.get("/products/1").statusCode());
    } finally {
      logger.detachAppender(lines);
    }
  }

  @Test
  @DisplayName("a client that goes away mid-request gives its slot back")
  void abandonedRequestsGiveTheirSlotBack() throws Exception {
    assertTrue(Await.eventually(Duration.ofSeconds(10), () -> limit().inFlight() == 0));
    for (int i = 0; i < 2; i++) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        OutputStream out = s.getOutputStream();
        out.write("GET /slow?ms=60000 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertTrue(Await.eventually(Duration.ofSeconds(5), () -> limit().inFlight() >= 1));
      }
    }
    assertTrue(Await.eventually(Duration.ofSeconds(5), () -> limit().inFlight() == 0), "in flight: " + limit().inFlight());
    assertEquals(200, http.get("/products/1").statusCode());
  }

  @Test
  @DisplayName("an open event stream holds a stream slot (http.maxStreams), not a request slot; one past the limit is a 503")
  void streamsDoNotHoldRequestSlots() throws Exception {
    assertTrue(Await.eventually(Duration.ofSeconds(10), () -> limit().inFlight() == 0));
    try (Socket stream = new Socket("127.0.0.1", port)) {
      stream.getOutputStream().write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      stream.getOutputStream().flush();
      assertTrue(Await.eventually(Duration.ofSeconds(5), () -> limit().streams() == 1), "the stream is open");
      assertEquals(0, limit().inFlight(), "an open stream is not a request in flight");
      List<CompletableFuture<HttpResponse<String>>> slow = List.of(slow(300), slow(300));
      for (CompletableFuture<HttpResponse<String>> r : slow) {
        assertEquals(200, r.get(10, TimeUnit.SECONDS).statusCode(), "both request slots were free beside the stream");
      }
      HttpResponse<String> second = http.get("/stream");
      assertEquals(503, second.statusCode(), second.body());
      assertEquals("overloaded", Http.json(second).getString("error"));
      assertTrue(Http.json(second).getString("message").contains("http.maxStreams"), second.body());
    }
    assertTrue(Await.eventually(Duration.ofSeconds(5), () -> limit().streams() == 0 && limit().inFlight() == 0),
        "closing the stream gives its slot back: streams " + limit().streams() + ", in flight " + limit().inFlight());
  }
}
