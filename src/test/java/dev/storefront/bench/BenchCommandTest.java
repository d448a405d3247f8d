package dev.storefront.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
class BenchCommandTest {

  private HttpServer server;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      await(server.close());
    }
  }

  private int run(String... args) {
    CommandLine cl = new CommandLine(new BenchCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private int serve(Vertx vertx, int status) throws Exception {
    server = await(vertx.createHttpServer().requestHandler(r -> r.response().setStatusCode(status).end("{}"))
        .listen(0, "127.0.0.1"));
    return server.actualPort();
  }

  @Test
  @DisplayName("bench http --json prints the machine and the figures and exits 0 when there are no errors")
  void httpJson(Vertx vertx) throws Exception {
    int port = serve(vertx, 200);
    int code = run("http", "--url", "http://127.0.0.1:" + port + "/products/{id}", "-c", "2", "-d", "500ms",
        "--warmup", "0", "--json");
    assertEquals(0, code, err.toString());
    JsonObject json = new JsonObject(out.toString());
    assertEquals("bench http", json.getString("command"));
    assertEquals(Runtime.getRuntime().availableProcessors(), json.getJsonObject("machine").getInteger("cores"));
    assertTrue(json.getJsonObject("machine").getString("transport").matches("epoll|nio"));
    assertTrue(json.getLong("requests") > 0 && json.getDouble("requestsPerSec") > 0, json.encode());
    assertTrue(json.getJsonObject("latencyMs").containsKey("p999"));
    assertEquals(true, json.getBoolean("passed"));
  }

  @Test
  @DisplayName("bench http exits 1 and says why when the error rate is above --max-error-rate")
  void httpErrorsAboveThreshold(Vertx vertx) throws Exception {
    int port = serve(vertx, 503);
    int code = run("http", "--url", "http://127.0.0.1:" + port + "/", "-c", "1", "-d", "300ms", "--warmup", "0");
    assertEquals(1, code);
    assertTrue(out.toString().startsWith("machine: "), out.toString());
    assertTrue(out.toString().contains("status5xx"), out.toString());
    assertTrue(err.toString().contains("above the allowed 1.000%"), err.toString());
  }

  @Test
  @DisplayName("bad options are usage errors (exit 2) with a clear message")
  void badOptions() {
    assertEquals(2, run("http", "--url", "http://h/", "--ids", "5-9"));
    assertTrue(err.toString().contains("--ids must look like 1..1000"), err.toString());
    assertEquals(2, run("http", "--url", "ftp://h/"));
    assertTrue(err.toString().contains("--url must be http://"), err.toString());
    assertEquals(2, run("http", "--url", "http://h/", "-d", "soon"));
    assertTrue(err.toString().contains("not a duration"), err.toString());
    assertEquals(2, run("http", "--url", "http://h/", "-c", "2", "--threads", "3"));
  }

  @Test
  @DisplayName("every bench command has --help")
  void helpEverywhere() {
    for (String sub : new String[] {"http", "queries", "scaling", "race"}) {
      assertEquals(0, run(sub, "--help"), sub);
      assertTrue(out.toString().contains("--json"), sub);
    }
    assertEquals(0, run("--help"));
  }

  @Test
  @DisplayName("durations read as 10s, 500ms, 2m or plain seconds")
  void durations() {
    assertEquals(Duration.ofSeconds(10), DurationConverter.parse("10s"));
    assertEquals(Duration.ofMillis(500), DurationConverter.parse("500ms"));
    assertEquals(Duration.ofMinutes(2), DurationConverter.parse("2m"));
    assertEquals(Duration.ofMillis(1500), DurationConverter.parse("1.5"));
    assertThrows(CommandLine.TypeConversionException.class, () -> DurationConverter.parse("-1s"));
  }

  @Test
  @DisplayName("only the supervisor's ready line counts as ready, not a node's nor a not-ready line")
  void readyLine() {
    assertTrue(StorefrontProcess.isReadyLine("Storefront ready in 3.1 s: http://127.0.0.1:8080 (2 node processes x 1 event loop)"));
    assertTrue(!StorefrontProcess.isReadyLine("[node-1] node node-1 ready in 7.9 s: http://127.0.0.1:37373"));
    assertTrue(!StorefrontProcess.isReadyLine("storefront: database not ready yet"));
    assertTrue(!StorefrontProcess.isReadyLine("Starting 2 node processes"));
  }
}
