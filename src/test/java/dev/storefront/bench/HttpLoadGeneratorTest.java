package dev.storefront.bench;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class HttpLoadGeneratorTest {

  private HttpServer server;
  private final AtomicLong served = new AtomicLong();

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      await(server.close());
    }
  }

  private int serve(Vertx vertx, Handler<HttpServerRequest> handler) throws Exception {
    server = await(vertx.createHttpServer().requestHandler(req -> {
      served.incrementAndGet();
      handler.handle(req);
    }).listen(0, "127.0.0.1"));
    return server.actualPort();
  }

  private static LoadConfig config(String url, int connections, Duration duration, Duration warmup, double rate,
                                   Duration timeout) {
    return new LoadConfig(url, connections, 1, duration, warmup, rate, 1, 1000, timeout);
  }

  @Test
  @DisplayName("closed loop: every request the server answered is counted, none is an error, ids stay in range")
  void closedLoopCountsMatchTheServer(Vertx vertx) throws Exception {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    int port = serve(vertx, req -> {
      ids.add(req.path().substring("/products/".length()));
      req.response().end("{\"ok\":true}");
    });
    LoadResult r = HttpLoadGenerator.run(new LoadConfig("http://127.0.0.1:" + port + "/products/{id}", 4, 1,
        Duration.ofMillis(1000), Duration.ofMillis(300), 0, 1, 20, Duration.ofSeconds(2)));

    assertEquals(served.get(), r.totalResponses(), "client responses vs server requests");
    assertEquals(0, r.errorCount(), r.describe());
    assertTrue(r.responses() > 100 && r.responses() < r.totalResponses(), "warm-up excluded: " + r.describe());
    assertEquals(r.responses(), r.histogram().getTotalCount());
    assertTrue(r.seconds() >= 1.0 && r.seconds() < 1.5, r.describe());
    assertEquals(r.responses() / r.seconds(), r.requestsPerSecond(), 0.01);
    assertTrue(ids.stream().mapToInt(Integer::parseInt).allMatch(id -> id >= 1 && id <= 20), ids.toString());
    assertTrue(ids.size() > 10, "random ids expected, saw " + ids);
  }

  @Test
  @DisplayName("with two event loops the connections are split between them and every answer is still counted once")
  void twoThreadsCountOnce(Vertx vertx) throws Exception {
    Set<String> clientPorts = ConcurrentHashMap.newKeySet();
    int port = serve(vertx, req -> {
      clientPorts.add(Integer.toString(req.connection().remoteAddress().port()));
      req.response().end("ok");
    });
    LoadResult r = HttpLoadGenerator.run(new LoadConfig("http://127.0.0.1:" + port + "/", 3, 2,
        Duration.ofMillis(600), Duration.ZERO, 0, 1, 1, Duration.ofSeconds(2)));
    assertEquals(served.get(), r.totalResponses());
    assertEquals(0, r.errorCount(), r.describe());
    assertEquals(3, clientPorts.size(), "exactly --connections connections: " + clientPorts);
  }

  @Test
  @DisplayName("a server that closes every connection after one response is still loaded: connections are replaced")
  void serverClosingConnections(Vertx vertx) throws Exception {
    int port = serve(vertx, req -> req.response().putHeader("Connection", "close").end("bye"));
    LoadResult r = HttpLoadGenerator.run(config("http://127.0.0.1:" + port + "/", 2,
        Duration.ofMillis(600), Duration.ZERO, 0, Duration.ofSeconds(2)));
    assertTrue(r.responses() > 20, r.describe());
    assertEquals(served.get(), r.totalResponses(), r.describe());
    assertEquals(0, r.errorCount(), r.describe());
  }

  @Test
  @DisplayName("chunked bodies, and bodies without a length that end with the connection, are read whole, without errors")
  void everyResponseFraming(Vertx vertx) throws Exception {
    int port = serve(vertx, req -> {
      req.response().setChunked(true).write("{\"part\":");
      req.response().end("1}");
    });
    LoadResult chunked = HttpLoadGenerator.run(config("http://127.0.0.1:" + port + "/", 2,
        Duration.ofMillis(500), Duration.ZERO, 0, Duration.ofSeconds(2)));
    assertTrue(chunked.responses() > 20, chunked.describe());
    assertEquals(served.get(), chunked.totalResponses(), chunked.describe());
    assertEquals(0, chunked.errorCount(), chunked.describe());

    // a server of the old kind: no Content-Length, no chunks, the body ends when it closes the connection
    AtomicLong answered = new AtomicLong();
    NetServer old = await(vertx.createNetServer().connectHandler(socket -> socket.handler(request -> {
      answered.incrementAndGet();
      socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the close").onComplete(w -> socket.close());
    })).listen(0, "127.0.0.1"));
    try {
      LoadResult toClose = HttpLoadGenerator.run(config("http://127.0.0.1:" + old.actualPort() + "/", 2,
          Duration.ofMillis(500), Duration.ZERO, 0, Duration.ofSeconds(2)));
      assertTrue(toClose.responses() > 10, toClose.describe());
      assertEquals(answered.get(), toClose.totalResponses(), toClose.describe());
      assertEquals(0, toClose.errorCount(), toClose.describe());
    } finally {
      await(old.close());
    }
  }

  @Test
  @DisplayName("a server answering what is not HTTP, or closing mid-response, gives errors of kind other, and the run goes on")
  void brokenAnswersAreErrors(Vertx vertx) throws Exception {
    AtomicLong asked = new AtomicLong();
    NetServer broken = await(vertx.createNetServer().connectHandler(socket -> socket.handler(request -> {
      long n = asked.incrementAndGet();
      String answer = n % 2 == 0 ? "SSH-2.0-not-http\r\n" : "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort";
      socket.write(answer).onComplete(w -> socket.close());
    })).listen(0, "127.0.0.1"));
    try {
      LoadResult r = HttpLoadGenerator.run(config("http://127.0.0.1:" + broken.actualPort() + "/", 2,
          Duration.ofMillis(500), Duration.ZERO, 0, Duration.ofSeconds(2)));
      assertEquals(0, r.responses(), r.describe());
      assertTrue(r.errors(ErrorKind.OTHER) > 10, r.describe());
      assertEquals(r.errors(ErrorKind.OTHER), r.errorCount(), r.describe());
    } finally {
      await(broken.close());
    }
  }

  @Test
  @DisplayName("responses with status 500 and 404 are counted as status5xx and status4xx errors")
  void statusErrorsAreClassified(Vertx vertx) throws Exception {
    int port = serve(vertx, req -> req.response().setStatusCode(req.path().equals("/missing") ? 404 : 500).end());
    LoadResult fives = HttpLoadGenerator.run(config("http://127.0.0.1:" + port + "/boom", 2,
        Duration.ofMillis(500), Duration.ZERO, 0, Duration.ofSeconds(2)));
    assertTrue(fives.responses() > 0);
    assertEquals(fives.responses(), fives.errors(ErrorKind.STATUS_5XX), fives.describe());
    assertEquals(fives.errorCount(), fives.errors(ErrorKind.STATUS_5XX));
    assertEquals(1.0, fives.errorRate(), 1e-9);

    LoadResult fours = HttpLoadGenerator.run(config("http://127.0.0.1:" + port + "/missing", 2,
        Duration.ofMillis(500), Duration.ZERO, 0, Duration.ofSeconds(2)));
    assertTrue(fours.responses() > 0);
    assertEquals(fours.responses(), fours.errors(ErrorKind.STATUS_4XX), fours.describe());
    assertEquals(fours.errorCount(), fours.errors(ErrorKind.STATUS_4XX));
  }

  @Test
  @DisplayName("a closed port gives connect errors and nothing else")
  void closedPortGivesConnectErrors() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    LoadResult r = HttpLoadGenerator.run(config("http://127.0.0.1:" + port + "/", 2,
        Duration.ofMillis(500), Duration.ZERO, 0, Duration.ofSeconds(1)));
    assertEquals(0, r.responses());
    assertTrue(r.errors(ErrorKind.CONNECT) > 0, r.describe());
    assertEquals(r.errors(ErrorKind.CONNECT), r.errorCount(), r.describe());
    assertEquals(1.0, r.errorRate(), 1e-9);
  }

  @Test
  @DisplayName("a server that never answers gives timeouts and nothing else")
  void slowServerGivesTimeouts(Vertx vertx) throws Exception {
    int port = serve(vertx, req -> { /* never answers */ });
    LoadResult r = HttpLoadGenerator.run(config("http://127.0.0.1:" + port + "/slow", 2,
        Duration.ofMillis(800), Duration.ZERO, 0, Duration.ofMillis(150)));
    assertEquals(0, r.responses());
    assertTrue(r.errors(ErrorKind.TIMEOUT) >= 4, r.describe());
    assertEquals(r.errors(ErrorKind.TIMEOUT), r.errorCount(), r.describe());
  }

  @Test
  @DisplayName("open model: requests intended while the server stalled 200 ms carry their waiting time")
  void openModelHasNoCoordinatedOmission(Vertx vertx) throws Exception {
    boolean[] armed = {false};
    long[] firstAndStallEnd = {0, 0};
    int port = serve(vertx, req -> {
      long now = System.nanoTime();
      if (armed[0] && firstAndStallEnd[0] == 0) {
        firstAndStallEnd[0] = now;
      }
      if (armed[0] && firstAndStallEnd[1] == 0 && now - firstAndStallEnd[0] >= TimeUnit.MILLISECONDS.toNanos(800)) {
        firstAndStallEnd[1] = now + TimeUnit.MILLISECONDS.toNanos(200);
      }
      long wait = firstAndStallEnd[1] - now;
      if (wait > 0) {
        vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)), t -> req.response().end("late"));
      } else {
        req.response().end("ok");
      }
    });
    String url = "http://127.0.0.1:" + port + "/p";
    // a first closed-loop run warms the JIT, so that the open run's figures show the stall, not class loading
    HttpLoadGenerator.run(config(url, 2, Duration.ofMillis(500), Duration.ZERO, 0, Duration.ofSeconds(2)));
    vertx.runOnContext(v -> armed[0] = true);

    LoadResult r = HttpLoadGenerator.run(config(url, 2, Duration.ofMillis(1200), Duration.ofMillis(500), 500,
        Duration.ofSeconds(2)));

    assertEquals(0, r.errorCount(), r.describe());
    assertEquals(600, r.responses(), 3, "1.2 s at 500 req/s: " + r.describe());
    // ~100 requests were intended during the stall; only 2 could be on the wire. Without coordinated-omission
    // correction only those 2 would show the stall; from intended times, about 75 waited 50 ms or more.
    long waitedLong = r.histogram().getCountBetweenValues(50_000, Long.MAX_VALUE / 2);
    assertTrue(waitedLong >= 50, "requests with latency >= 50 ms: " + waitedLong + "\n" + r.describe());
    assertTrue(r.maxLatencyMs() >= 150, r.describe());
    assertTrue(r.latencyMs(10) < 50, "requests away from the stall are fast: " + r.describe());
    // with 2 connections held by the stall, the others' wait happened before the send: the report says so
    assertEquals(r.responses(), r.sendLag().getTotalCount(), "every measured request has its send lag");
    assertTrue(r.sendLag().getCountBetweenValues(50_000, Long.MAX_VALUE / 2) >= 45, r.describe());
    assertTrue(r.describe().contains("before the send"), r.describe());
  }

  @Test
  @DisplayName("open model past capacity: each phase counts the requests that waited for a connection, were sent late, or were dropped")
  void waitedLateAndDroppedPerPhase(Vertx vertx) throws Exception {
    int port = serve(vertx, req -> vertx.setTimer(50, t -> req.response().end("ok")));
    // 2 connections x 50 ms = 40 req/s of capacity, offered 100 req/s: the queue grows, and past 300 ms requests are dropped
    LoadResult r = HttpLoadGenerator.run(config("http://127.0.0.1:" + port + "/", 2,
        Duration.ofMillis(1000), Duration.ofMillis(500), 100, Duration.ofMillis(300)));

    for (PhaseStats phase : new PhaseStats[] {r.warmup(), r.measured()}) {
      RequestStats t = phase.total();
      String about = phase.phase() + ": " + t.summaryJson().encode() + " waited " + t.waited() + " late " + t.late()
          + " dropped " + t.dropped();
      long intended = phase == r.warmup() ? 50 : 100;
      assertTrue(t.waited() >= intended * 0.7, about);
      assertTrue(t.dropped() >= intended * 0.2, about);
      assertTrue(t.late() >= (t.waited() - t.dropped()) * 0.8, "a request that waited is sent late: " + about);
      assertTrue(t.errors(ErrorKind.TIMEOUT) >= t.dropped(), "a dropped request is a timeout: " + about);
      assertEquals(intended, t.attempts(), 1, "every intended request is answered, failed or dropped: " + about);
      assertEquals(t.waited(), phase.seconds().stream().mapToLong(RequestStats::waited).sum(), about);
      assertEquals(t.dropped(), phase.seconds().stream().mapToLong(RequestStats::dropped).sum(), about);
    }
    JsonObject json = r.toJson();
    assertEquals(r.measured().total().waited(), json.getJsonObject("coordinatedOmission").getLong("waitedForConnection"));
    assertEquals(r.warmup().total().dropped(),
        json.getJsonObject("phases").getJsonObject("warmup").getJsonObject("coordinatedOmission").getLong("dropped"));
    assertTrue(r.describe().contains("measured: " + r.measured().total().waited() + " of "), r.describe());
  }

  @Test
  @DisplayName("open model well under capacity: no request waits for a connection and none is dropped")
  void nothingWaitsUnderCapacity(Vertx vertx) throws Exception {
    int port = serve(vertx, req -> req.response().end("ok"));
    LoadResult r = HttpLoadGenerator.run(config("http://127.0.0.1:" + port + "/", 16,
        Duration.ofMillis(1000), Duration.ZERO, 50, Duration.ofSeconds(2)));
    assertEquals(50, r.responses(), 1, r.describe());
    assertEquals(0, r.measured().total().waited(), r.describe());
    assertEquals(0, r.measured().total().dropped(), r.describe());
    assertEquals(r.responses(), r.sendLag().getTotalCount());
  }

}
