package dev.storefront.http;

import org.junit.jupiter.api.Tag;
import dev.storefront.cluster.FreePorts;
import dev.storefront.config.Settings;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.testing.TestDatabase;
import dev.storefront.node.HttpVerticle;
import dev.storefront.testing.Http;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deadlines for slow clients: request heads (whose trickled bytes reset Vert.x's idle timeout) and bodies. */
@Tag("database")
class SlowClientTest {

  private static Vertx vertx;
  private static int port;

  @BeforeAll
  static void deploy() throws Exception {
    DatabaseUrl db = TestDatabase.withSampleData("sf_slow_client_test");
    port = FreePorts.any();
    vertx = Vertx.vertx();
    Settings settings = Settings.defaults().with("db.url", db.uri()).with("http.port", port)
        .with("http.requestHeadTimeoutMs", 1000).with("http.idleTimeoutSeconds", 2).with("http.requestBodyTimeoutMs", 1000);
    vertx.deployVerticle(() -> new HttpVerticle((r, s) -> { }, () -> { }),
            new DeploymentOptions().setInstances(1).setConfig(settings.toJson()))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Writes {@code text} one byte every {@code pauseMs} on its own thread; returns how many bytes went out. */
  private static AtomicInteger trickle(OutputStream out, String text, long pauseMs) {
    AtomicInteger sent = new AtomicInteger();
    Thread t = new Thread(() -> {
      try {
        for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
          out.write(b);
          out.flush();
          sent.incrementAndGet();
          Thread.sleep(pauseMs);
        }
      } catch (IOException | InterruptedException e) {
        // closed by the server: what the test waits for
      }
    }, "trickle");
    t.setDaemon(true);
    t.start();
    return sent;
  }

  /** Reads until the server closes; returns what came. */
  private static String readToClose(InputStream in) throws IOException {
    try {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException reset) {
      return "";
    }
  }

  private static final String HEAD = "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "p".repeat(200) + "\r\n\r\n";

  @Test
  @DisplayName("a client trickling its first request head is cut off after http.requestHeadTimeoutMs, though every byte resets the idle timeout")
  void trickledFirstHead() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      long t0 = System.nanoTime();
      AtomicInteger sent = trickle(s.getOutputStream(), HEAD, 50);
      String got = readToClose(s.getInputStream());
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals("", got, "no answer: there is no request yet");
      assertTrue(ms >= 900 && ms < 3000, "closed after " + ms + " ms");
      assertTrue(sent.get() < HEAD.length(), "closed before the head was complete (" + sent.get() + " bytes sent)");
    }
  }

  @Test
  @DisplayName("on a kept-alive connection the next head must be complete within the idle timeout of the last response")
  void trickledNextHead() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      long t0 = 0;
      for (int i = 0; i < 3; i++) { // prompt requests with pauses below the deadlines are all served
        Thread.sleep(600);
        out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertTrue(readResponse(in).startsWith("HTTP/1.1 200"));
        t0 = System.nanoTime(); // the deadline of the next head starts with this response
      }
      Thread.sleep(600);
      AtomicInteger sent = trickle(out, HEAD + HEAD, 50);
      String got = readToClose(in);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals("", got);
      assertTrue(ms >= 1900 && ms < 4000, "closed " + ms + " ms after the last response");
      assertTrue(sent.get() < 2 * HEAD.length(), "closed before the head was complete");
    }
  }

  @Test
  @DisplayName("a body not complete within http.requestBodyTimeoutMs is a 408 with the JSON body, then the connection closes")
  void slowBody() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      long t0 = System.nanoTime();
      out.write(("POST /counters/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"de")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      trickle(out, "lta\": 1" + " ".repeat(40), 100);
      String got = readToClose(s.getInputStream());
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(got.startsWith("HTTP/1.1 408"), got);
      assertTrue(got.contains("\"error\":\"request_timeout\""), got);
      assertTrue(ms >= 900 && ms < 3000, "answered after " + ms + " ms");
    }
  }

  private static String readResponse(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed: " + head);
      }
      head.append((char) c);
    }
    int at = head.indexOf("content-length: ");
    int length = Integer.parseInt(head.substring(at + 16, head.indexOf("\r\n", at)).trim());
    in.readNBytes(length);
    return head.toString();
  }
}
