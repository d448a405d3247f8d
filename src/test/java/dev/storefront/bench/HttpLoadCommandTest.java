package dev.storefront.bench;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench http}'s options against a Vert.x HTTP server in the test. */
@ExtendWith(VertxExtension.class)
class HttpLoadCommandTest {

  @TempDir
  Path tmp;

  private HttpServer server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private String serve(Vertx vertx, Handler<HttpServerRequest> handler) throws Exception {
    server = vertx.createHttpServer().requestHandler(handler).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + server.actualPort();
  }

  private BenchCli.Result http(String url, String... more) {
    List<String> args = new ArrayList<>(List.of("http", "--url", url));
    List<String> given = List.of(more);
    String[][] defaults = {{"-c", "2"}, {"--warmup", "0"}, {"-d", "600ms"},
        {"--out", tmp.resolve("files-" + System.nanoTime()).toString()}};
    for (String[] option : defaults) {
      if (!given.contains(option[0])) {
        args.addAll(List.of(option));
      }
    }
    args.addAll(given);
    return BenchCli.run(args.toArray(String[]::new));
  }

  @Test
  @DisplayName("--fail-if: exit 1 when a latency threshold is crossed, 0 when it is not, with the figure on stderr")
  void latencyThreshold(Vertx vertx) throws Exception {
    String url = serve(vertx, req -> vertx.setTimer(30, t -> req.response().end("slow")));
    BenchCli.Result crossed = http(url + "/", "--fail-if", "p99>20ms", "--fail-if", "errors>0.1%");
    assertEquals(1, crossed.code(), crossed.both());
    assertTrue(crossed.stderr().contains("threshold crossed (--fail-if): p99>20ms (p99 = "), crossed.stderr());
    assertFalse(crossed.stderr().contains("errors>0.1%"), "no errors: that one holds not: " + crossed.stderr());
    assertTrue(crossed.stdout().contains("--fail-if p99>20ms"), crossed.stdout());

    BenchCli.Result met = http(url + "/", "--fail-if", "p99>2s", "--json");
    assertEquals(0, met.code(), met.both());
    JsonObject json = new JsonObject(met.stdout());
    JsonArray thresholds = json.getJsonArray("thresholds");
    assertEquals(1, thresholds.size());
    assertEquals(false, thresholds.getJsonObject(0).getBoolean("holds"));
    assertTrue(thresholds.getJsonObject(0).getDouble("actual") >= 30, thresholds.encode());
    assertEquals(true, json.getBoolean("passed"));
  }

  @Test
  @DisplayName("--fail-if errors>X% replaces the default --max-error-rate: 25% errors pass errors>50%, fail errors>10%")
  void errorThreshold(Vertx vertx) throws Exception {
    AtomicLong n = new AtomicLong();
    String url = serve(vertx, req -> req.response().setStatusCode(n.incrementAndGet() % 4 == 0 ? 503 : 200).end());
    BenchCli.Result lenient = http(url + "/", "--fail-if", "errors>50%", "--json");
    assertEquals(0, lenient.code(), lenient.both());
    assertEquals(0.25, new JsonObject(lenient.stdout()).getDouble("errorRate"), 0.01);

    BenchCli.Result strict = http(url + "/", "--fail-if", "errors>10%");
    assertEquals(1, strict.code(), strict.both());
    assertTrue(strict.stderr().contains("errors>10%"), strict.stderr());

    BenchCli.Result byDefault = http(url + "/");
    assertEquals(1, byDefault.code(), "the default 1% still applies without an error threshold");
    assertTrue(byDefault.stderr().contains("--max-error-rate"), byDefault.stderr());
  }

  @Test
  @DisplayName("--out: per-second JSON and CSV, and an HdrHistogram log that HistogramLogReader reads back with every measured request")
  void filesPerSecond(Vertx vertx) throws Exception {
    String url = serve(vertx, req -> vertx.setTimer(2, t -> req.response().end("ok")));
    Path dir = tmp.resolve("run");
    BenchCli.Result r = http(url + "/", "-d", "2500ms", "--rate", "200", "--out", dir.toString(), "--json");
    assertEquals(0, r.code(), r.both());
    JsonObject printed = new JsonObject(r.stdout());
    JsonObject saved = new JsonObject(Files.readString(dir.resolve("result.json")));
    long requests = saved.getLong("requests");
    assertEquals(printed.getLong("requests"), requests);
    assertEquals(500, requests, 3, "2.5 s at 200 req/s");
    assertEquals(dir.toString(), printed.getString("files"));

    JsonArray series = new JsonArray(Files.readString(dir.resolve("timeseries.json")));
    assertTrue(series.size() >= 3, series.encode());
    long sum = 0;
    for (int i = 0; i < series.size(); i++) {
      sum += series.getJsonObject(i).getLong("requests");
    }
    assertEquals(requests, sum, "every measured request in exactly one second");
    assertEquals(200.0, series.getJsonObject(0).getDouble("offeredRps"), 1e-9);
    assertEquals(200, series.getJsonObject(1).getLong("requests"), 2, "second 1 holds the requests intended in it");
    assertTrue(series.getJsonObject(1).getDouble("p99Ms") >= 2, series.encode());

    List<String> csv = Files.readAllLines(dir.resolve("timeseries.csv"));
    assertEquals(TimeSeries.CSV_HEADER, csv.get(0));
    assertEquals(series.size() + 1, csv.size());
    assertEquals(requests, csv.stream().skip(1).mapToLong(line -> Long.parseLong(line.split(",")[3])).sum());

    long hlogCount = 0;
    int intervals = 0;
    try (HistogramLogReader reader = new HistogramLogReader(dir.resolve("latency.hlog").toFile())) {
      for (EncodableHistogram h = reader.nextIntervalHistogram(); h != null; h = reader.nextIntervalHistogram()) {
        hlogCount += ((Histogram) h).getTotalCount();
        intervals++;
      }
      assertEquals(saved.getJsonArray("timeseries").getJsonObject(0).getLong("epochMs") / 1000.0, reader.getStartTimeSec(), 0.001);
    }
    assertEquals(requests, hlogCount, "the log holds every measured latency");
    assertEquals(series.size(), intervals, "one interval per second");
    assertTrue(Files.readString(dir.resolve("report.html")).contains("<svg"), "and the report");
  }

  @Test
  @DisplayName("--agents 2: two generator processes share connections and rate, start together, and their histograms are added")
  void twoAgents(Vertx vertx) throws Exception {
    AtomicLong served = new AtomicLong();
    java.util.Set<Integer> clientPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();
    String url = serve(vertx, req -> {
      served.incrementAndGet();
      clientPorts.add(req.connection().remoteAddress().port());
      vertx.setTimer(2, t -> req.response().end("ok"));
    });
    Path dir = tmp.resolve("agents");
    BenchCli.Result r = http(url + "/", "--agents", "2", "-c", "4", "--rate", "200", "-d", "1500ms", "--warmup", "500ms",
        "--out", dir.toString(), "--json");
    assertEquals(0, r.code(), r.both());
    JsonObject json = new JsonObject(r.stdout());
    assertEquals(2, json.getInteger("agents"));
    assertEquals(300, json.getLong("requests"), 3, "1.5 s at 200 req/s in all: " + json.encode());
    assertEquals(served.get(), json.getLong("totalResponses"), "warm-up and measured, every answer counted once");
    assertEquals(4, clientPorts.size(), "4 connections in all: " + clientPorts);
    JsonArray perAgent = json.getJsonArray("perAgent");
    assertEquals(2, perAgent.size());
    for (int i = 0; i < 2; i++) {
      assertEquals(150, perAgent.getJsonObject(i).getLong("requests"), 2, "half the rate each: " + perAgent.encode());
      assertTrue(perAgent.getJsonObject(i).getDouble("clientCpuCores") > 0, perAgent.encode());
    }
    JsonArray series = json.getJsonArray("timeseries");
    assertEquals(200, series.getJsonObject(0).getLong("requests"), 4, "both agents' second 0 in one row: " + series.encode());
    long hlogCount = 0;
    try (HistogramLogReader reader = new HistogramLogReader(dir.resolve("latency.hlog").toFile())) {
      for (EncodableHistogram h = reader.nextIntervalHistogram(); h != null; h = reader.nextIntervalHistogram()) {
        hlogCount += ((Histogram) h).getTotalCount();
      }
    }
    assertEquals(json.getLong("requests"), hlogCount);
  }

  @Test
  @DisplayName("an unreadable --fail-if is a usage error (exit 2) before any load is sent")
  void unreadableThreshold(Vertx vertx) throws Exception {
    AtomicLong served = new AtomicLong();
    String url = serve(vertx, req -> {
      served.incrementAndGet();
      req.response().end();
    });
    BenchCli.Result r = http(url + "/", "--fail-if", "p99>>20ms");
    assertEquals(2, r.code(), r.both());
    assertTrue(r.stderr().contains("cannot read threshold 'p99>>20ms'"), r.stderr());
    assertEquals(2, http(url + "/", "--fail-if", "latency>20ms").code());
    assertEquals(0, served.get(), "nothing was sent");
  }
}
