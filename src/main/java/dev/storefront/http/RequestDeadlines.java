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

  /**
   * The head deadline of one connection; used only on that connection's event loop. One timer per connection, not one
   * per request: a response's end only notes the time, and the timer, when it fires, closes the connection if a head
   * has been awaited for its deadline, or sets itself again for what is left of the deadline (a keep-alive connection
   * answering thousands of requests a second would otherwise set and cancel a timer for each).
   */
  public static final class Head implements Handler<HttpServerRequest> {
    private final Vertx vertx;
    private final HttpConnection connection;
    private final long firstHeadMs;
    private final long nextHeadMs;
    private final Handler<HttpServerRequest> next;
    private final Handler<Void> responseEnded;
    private long timer = -1;
    private boolean awaiting;
    private long awaitingSinceNanos;
    private long deadlineMs;
    private boolean multiplexed;
    private boolean closed;

    private Head(Vertx vertx, HttpConnection connection, long firstHeadMs, long nextHeadMs, Handler<HttpServerRequest> next) {
      this.vertx = vertx;
      this.connection = connection;
      this.firstHeadMs = firstHeadMs;
      this.nextHeadMs = nextHeadMs;
      this.next = next;
      this.responseEnded = v -> awaitHead(nextHeadMs);
    }

    /** Starts the first deadline; the connection's close cancels it. */
    public void arm() {
      connection.closeHandler(v -> {
        closed = true;
        cancel();
      });
      awaitHead(firstHeadMs);
    }

    /** A request head is due within {@code ms} from now. */
    private void awaitHead(long ms) {
      if (closed || multiplexed) {
        return;
      }
      awaiting = true;
      awaitingSinceNanos = System.nanoTime();
      deadlineMs = ms;
      if (timer == -1) {
        schedule(ms);
      }
    }

    private void schedule(long ms) {
      timer = vertx.setTimer(Math.max(1, ms), id -> {
        timer = -1;
        if (!awaiting || closed) {
          return; // the head came; the next response's end sets the timer again
        }
        long waitedMs = (System.nanoTime() - awaitingSinceNanos) / 1_000_000;
        if (waitedMs < deadlineMs) {
          schedule(deadlineMs - waitedMs); // a later head is awaited: what is left of its deadline
          return;
        }
        CLOSED.incrementAndGet();
        LOG.debug("closing {}: no complete request head within {} ms", connection.remoteAddress(), deadlineMs);
        connection.close();
      });
    }

    private void cancel() {
      awaiting = false;
      if (timer != -1) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }

    @Override
    public void handle(HttpServerRequest request) {
      awaiting = false; // the head is complete
      if (request.version() == HttpVersion.HTTP_2) {
        multiplexed = true;
        cancel();
      } else {
        // the next head's deadline starts when this response has been written (bodyEndHandler: the response's
        // endHandler belongs to InFlightLimit and the router)
        request.response().bodyEndHandler(responseEnded);
      }
      next.handle(request);
    }
  }
}
