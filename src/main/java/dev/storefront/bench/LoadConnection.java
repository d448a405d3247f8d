package dev.storefront.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.RequestOptions;

/**
 * One keep-alive HTTP/1.1 connection of a {@link LoadWorker}, with at most one request in flight. It opens itself
 * (retrying every {@value #RECONNECT_DELAY_MS} ms while its owner runs), sends what it is given and reports each
 * outcome to its owner; a connection the server closes, or one a request failed on, is dropped so the owner can
 * open a fresh one. Used on its worker's event loop only.
 */
final class LoadConnection {

  static final long RECONNECT_DELAY_MS = 10;

  /** The worker's side: whether it still wants connections, and what happened. */
  interface Owner {
    boolean stopped();

    void connected(LoadConnection connection);

    void connectFailed(LoadConnection connection);

    /** The connection went away while idle (the server closed it). */
    void lost(LoadConnection connection);

    void answered(LoadConnection connection, Outcome outcome);
  }

  /**
   * How a request ended: {@code status} of its response (-1 without one, then {@code failure}), the body when the
   * request asked for it, the phase it was sent in and its intended send time ({@link System#nanoTime()}).
   */
  record Outcome(int phase, long intendedNs, RequestMix.Request request, int status, Throwable failure, Buffer body) {
    boolean succeeded() {
      return status >= 0;
    }
  }

  private record Answer(int status, boolean closing, Buffer body) {
  }

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final HttpConnectOptions target;
  private final long timeoutMs;
  private final Owner owner;

  private HttpClientConnection conn;
  private boolean connecting;
  /** A request is in flight. */
  boolean busy;
  /** Idle and waiting in the owner's queue of free connections. */
  boolean parked;
  /** Intended send time of the request in flight. */
  long intendedNs;
  /** The request in flight (or the last one). */
  RequestMix.Request inFlight;

  LoadConnection(Vertx vertx, HttpClientAgent client, String host, int port, long timeoutMs, Owner owner) {
    this.vertx = vertx;
    this.client = client;
    this.target = new HttpConnectOptions().setHost(host).setPort(port);
    this.timeoutMs = timeoutMs;
    this.owner = owner;
  }

  boolean open() {
    return conn != null;
  }

  /** Opens the connection unless it is open or opening; {@code first} completes after the first attempt. */
  void connect(io.vertx.core.Promise<Void> first) {
    if (owner.stopped() || connecting || conn != null) {
      if (first != null) {
        first.complete();
      }
      return;
    }
    connecting = true;
    client.connect(target).onComplete(ar -> {
      connecting = false;
      if (ar.succeeded()) {
        HttpClientConnection c = ar.result();
        if (owner.stopped()) {
          c.close();
        } else {
          conn = c;
          c.closeHandler(v -> closed(c));
          owner.connected(this);
        }
      } else {
        owner.connectFailed(this);
        if (!owner.stopped()) {
          vertx.setTimer(RECONNECT_DELAY_MS, t -> connect(null));
        }
      }
      if (first != null) {
        first.complete();
      }
    });
  }

  private void closed(HttpClientConnection c) {
    if (conn != c) {
      return;
    }
    conn = null;
    if (!busy) {
      owner.lost(this);
    }
  }

  /** Closes the connection (a fresh one is opened by {@link #connect}). */
  void drop() {
    HttpClientConnection c = conn;
    conn = null;
    if (c != null) {
      c.close();
    }
  }

  /** Sends {@code request} (intended at {@code intendedNs}) on the open, idle connection. */
  void send(RequestMix.Request request, long intendedNs, int phase) {
    busy = true;
    this.intendedNs = intendedNs;
    this.inFlight = request;
    HttpClientConnection c = conn;
    RequestOptions options = new RequestOptions().setMethod(request.method()).setURI(request.uri());
    if (request.body() != null) {
      options.putHeader("content-type", "application/json");
    }
    c.request(options)
        .compose(req -> {
          req.idleTimeout(timeoutMs);
          return request.body() == null ? req.send() : req.send(request.body());
        })
        .compose(resp -> read(resp, request.wantsBody()))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            if (ar.result().closing() && conn == c) {
              drop(); // the server closes it after this response: replace it rather than fail the next request
            }
            owner.answered(this, new Outcome(phase, intendedNs, request, ar.result().status(), null, ar.result().body()));
          } else {
            if (conn == c) {
              drop(); // unusable after a timeout or reset
            }
            owner.answered(this, new Outcome(phase, intendedNs, request, -1, ar.cause(), null));
          }
        });
  }

  private static Future<Answer> read(HttpClientResponse resp, boolean body) {
    int status = resp.statusCode();
    boolean closing = "close".equalsIgnoreCase(resp.getHeader("connection"));
    if (body) {
      return resp.body().map(b -> new Answer(status, closing, b));
    }
    return resp.end().map(v -> new Answer(status, closing, null));
  }
}
