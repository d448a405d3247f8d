package dev.storefront.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.net.impl.VertxConnection;

/**
 * The places Storefront reaches past Vert.x's public API (checked against Vert.x 5.0.12; BadInputCorpusTest fails
 * if a Vert.x upgrade changes either):
 * <ul>
 *   <li>An HTTP/1.x request line with a version other than 1.0 or 1.1 (say {@code HTTP/9.9}) decodes fine in Netty,
 *   and Vert.x's {@code Http1xServerRequestHandler} (the wrapper every HTTP/1.x connection gets, unless
 *   {@code -Dvertx.disableWebsockets=true}) answers it with a bare 501 and closes, before the server's request handler
 *   is called; {@code invalidRequestHandler} never sees it. {@link #serveAllVersions} swaps that wrapper for the
 *   server's own handler on each new connection ({@code HttpServer.connectionHandler} runs after Vert.x installed the
 *   wrapper), so the request handler can answer 505 with the JSON body. The wrapper's other duty, WebSocket upgrades,
 *   is not used by Storefront.</li>
 *   <li>While Vert.x reads from a connection it only flushes writes when the read is done; a chunked body that fails
 *   to decode makes Vert.x close the connection within that read, discarding an answer written in the meantime.
 *   {@link #flush} pushes it out first.</li>
 *   <li>{@link #validAuthority}: the router's own test of the Host header (HTTP/1.0 needs none), for requests that
 *   are served without the router.</li>
 * </ul>
 */
public final class VertxInternals {

  private VertxInternals() {
  }

  /**
   * For {@code HttpServer.connectionHandler}: requests of every HTTP version on {@code connection} reach {@code handler};
   * false (and nothing changed) when the connection is not one Vert.x's internals allow that for.
   */
  public static boolean serveAllVersions(HttpConnection connection, Handler<HttpServerRequest> handler) {
    if (connection instanceof HttpServerConnection) {
      ((HttpServerConnection) connection).handler(handler);
      return true;
    }
    return false;
  }

  /** Whether the router would accept the request's authority (its Host header; optional in HTTP/1.0). */
  static boolean validAuthority(HttpServerRequest request) {
    return request instanceof HttpServerRequestInternal
        && (((HttpServerRequestInternal) request).isValidAuthority() || request.version() == HttpVersion.HTTP_1_0);
  }

  /** Flushes what was written to {@code connection} so far, through its outbound queue. */
  static void flush(HttpConnection connection) {
    if (connection instanceof VertxConnection) {
      ((VertxConnection) connection).flush();
    }
  }
}
