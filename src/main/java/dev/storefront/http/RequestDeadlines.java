package dev.storefront.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Deadlines for slow clients. Vert.x's idle timeout restarts with every byte received, so a client that trickles its
 * request line and headers (slowloris) holds a connection, and a slot of the server, for as long as it likes.
 * <ul>
 *   <li>{@link #head}: the first request's line and headers must be complete within {@code firstHeadMs} of the
 *   connection opening, each later one within {@code nextHeadMs} of the previous response ending (the idle timeout, so a
 *   keep-alive connection that idles is closed when it was before, but trickling no longer extends it); else the
 *   connection is closed. There is no request yet to answer, so no status is sent. HTTP/2 connections (many streams at
 *   once) only get the first deadline.</li>
 *   <li>The body's deadline is {@link RequestGate}'s: a body not complete within {@code http.requestBodyTimeoutMs} of
 *   its head is a 408, then the connection closes.</li>
 * </ul>
 */
public final class RequestDeadlines {

  private static final Logger LOG = LoggerFactory.getLogger(RequestDeadlines.class);
  private static final AtomicLong CLOSED = new AtomicLong();

  private RequestDeadlines() {
  }

  /** A request handler for one connection that closes it when a request head takes too long; call {@link Head#arm()} once installed. */
  public static Head head(Vertx vertx, HttpConnection connection, long firstHeadMs, long nextHeadMs, Handler<HttpServerRequest> next) {
    return new Head(vertx, connection, firstHeadMs, nextHeadMs, next);
  }

  /** Connections closed, in this JVM, because a request head did not arrive in time. */
  public static long closed() {
    return CLOSED.get();
  }

  /** The head deadline of one connection; used only on that connection's event loop. */
  public static final class Head implements Handler<HttpServerRequest> {
    private final Vertx vertx;
    private final HttpConnection connection;
    private final long firstHeadMs;
    private final long nextHeadMs;
    private final Handler<HttpServerRequest> next;
    private long timer = -1;
    private boolean multiplexed;
    private boolean closed;

    private Head(Vertx vertx, HttpConnection connection, long firstHeadMs, long nextHeadMs, Handler<HttpServerRequest> next) {
      this.vertx = vertx;
      this.connection = connection;
      this.firstHeadMs = firstHeadMs;
      this.nextHeadMs = nextHeadMs;
      this.next = next;
    }

    /** Starts the first deadline; the connection's close cancels it. */
    public void arm() {
      connection.closeHandler(v -> {
        closed = true;
        cancel();
      });
      start(firstHeadMs);
    }

    private void start(long ms) {
      cancel();
      if (closed || multiplexed) {
        return;
      }
      timer = vertx.setTimer(ms, id -> {
        timer = -1;
        CLOSED.incrementAndGet();
        LOG.debug("closing {}: no complete request head within {} ms", connection.remoteAddress(), ms);
        connection.close();
      });
    }

    private void cancel() {
      if (timer != -1) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }

    @Override
    public void handle(HttpServerRequest request) {
      cancel(); // the head is complete
      if (request.version() == HttpVersion.HTTP_2) {
        multiplexed = true;
      } else {
        // the next head's deadline starts when this response has been written (bodyEndHandler: the response's
        // endHandler belongs to InFlightLimit and the router)
        request.response().bodyEndHandler(v -> start(nextHeadMs));
      }
      next.handle(request);
    }
  }
}
