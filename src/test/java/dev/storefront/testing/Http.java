package dev.storefront.testing;

import dev.storefront.bench.StorefrontProcess;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/** A plain blocking JDK HTTP client for tests (called from the test thread, never an event loop), and raw one-request connections. */
public final class Http {

  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private static final String HOST = "127.0.0.1";
  private final String host;
  private final int port;
  private final String base;

  public Http(int port) {
    this(HOST, port);
  }

  public Http(String host, int port) {
    this.host = host;
    this.port = port;
    this.base = "http://" + host + ":" + port;
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public HttpResponse<String> send(String method, String path, String body) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("content-type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
  }

  public HttpResponse<String> send(HttpRequest.Builder request) {
    return send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** {@code request} with its body read by {@code body} (an open stream: {@code BodyHandlers.ofInputStream()}). */
  public <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
    try {
      return CLIENT.send(request.timeout(Duration.ofSeconds(20)).build(), body);
    } catch (IOException e) {
      throw new RuntimeException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeException(e);
    }
  }

  /** A client of the HTTP port of {@code storefront}. */
  public static Http to(StorefrontProcess storefront) {
    return new Http(storefront.host(), storefront.port());
  }

  public static JsonObject json(HttpResponse<String> response) {
    return new JsonObject(response.body());
  }

  /** A response read off a new connection: its status, the X-Storefront-Node value, the body. */
  public record Reply(int status, String node, String body) {
  }

  /** One GET on a new connection (so that SO_REUSEPORT picks a process each time). */
  public Reply getOnNewConnection(String path) throws IOException {
    try (Socket s = new Socket(host, port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int headEnd = response.indexOf("\r\n\r\n");
      if (!response.startsWith("HTTP/1.1 ") || headEnd < 0) {
        throw new IOException("no HTTP response: " + response);
      }
      String node = null;
      for (String line : response.substring(0, headEnd).split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("x-storefront-node:")) {
          node = line.substring(line.indexOf(':') + 1).trim();
        }
      }
      return new Reply(Integer.parseInt(response.substring(9, 12)), node, response.substring(headEnd + 4));
    }
  }

  /** The X-Storefront-Node value of a successful GET on a new connection. */
  public String nodeOfNewConnection(String path) throws IOException {
    Reply r = getOnNewConnection(path);
    if (r.status() != 200 || r.node() == null) {
      throw new IOException("status " + r.status() + ", node " + r.node());
    }
    return r.node();
  }
}
