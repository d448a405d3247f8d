package dev.storefront.bench;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One keep-alive HTTP/1.1 connection of a {@link LoadWorker}, with at most one request in flight. It writes each
 * request's bytes itself and reads the response with a {@link ResponseReader}, straight on a TCP socket: a
 * generator shares the machine with the server it loads, and Vert.x's HTTP client spent several times wrk's CPU on
 * each request (objects, futures and header maps a load generator never looks at). It opens itself (retrying every
 * {@value #RECONNECT_DELAY_MS} ms while its owner runs), reports each outcome to its owner, and is dropped when the
 * server closes it, when a response says the server will, or when a request failed on it, so the owner can open a
 * fresh one. A request times out when no byte of its response came for the timeout ({@link #expire}). Used on its
 * worker's event loop only.
 */
final class LoadConnection implements ResponseReader.Listener {

  static final long RECONNECT_DELAY_MS = 10;
  private static final byte[] VERSION = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] JSON_BODY = "Content-Type: application/json\r\nContent-Length: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CRLF = {'\r', '\n'};

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

  private final Vertx vertx;
  private final NetClient client;
  private final String host;
  private final int port;
  private final long timeoutNs;
  private final Owner owner;
  private final byte[] hostHeader;
  private final ResponseReader reader = new ResponseReader(this);

  private NetSocket socket;
  private boolean connecting;
  private Throwable socketError;
  /** When the request in flight was written or the last byte of its answer came ({@link System#nanoTime()}). */
  private long lastActivityNs;
  private int sentPhase;
  /** A request is in flight. */
  boolean busy;
  /** Idle and waiting in the owner's queue of free connections. */
  boolean parked;
  /** Intended send time of the request in flight. */
  long intendedNs;
  /** The request in flight (or the last one). */
  RequestMix.Request inFlight;

  LoadConnection(Vertx vertx, NetClient client, String host, int port, long timeoutMs, Owner owner) {
    this.vertx = vertx;
    this.client = client;
    this.host = host;
    this.port = port;
    this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    this.owner = owner;
    String authority = host.contains(":") ? "[" + host + "]" : host; // an IPv6 literal
    this.hostHeader = ("Host: " + authority + (port == 80 ? "" : ":" + port) + "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  boolean open() {
    return socket != null;
  }

  /** Opens the connection unless it is open or opening; {@code first} completes after the first attempt. */
  void connect(Promise<Void> first) {
    if (owner.stopped() || connecting || socket != null) {
      if (first != null) {
        first.complete();
      }
      return;
    }
    connecting = true;
    client.connect(port, host).onComplete(ar -> {
      connecting = false;
      if (ar.succeeded()) {
        NetSocket s = ar.result();
        if (owner.stopped()) {
          s.close();
        } else {
          socket = s;
          socketError = null;
          s.handler(data -> {
            if (socket == s) {
              lastActivityNs = System.nanoTime();
              reader.feed(data);
            }
          });
          s.exceptionHandler(err -> socketError = err); // a reset: the close that follows fails the request
          s.closeHandler(v -> closed(s));
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

  private void closed(NetSocket s) {
    if (socket != s) {
      return; // dropped by us: its request was already reported
    }
    socket = null;
    if (busy) {
      reader.closed(); // a body read to the close ends; anything else unfinished fails (malformed)
    } else {
      owner.lost(this);
    }
  }

  /** Closes the connection (a fresh one is opened by {@link #connect}). */
  void drop() {
    NetSocket s = socket;
    socket = null;
    if (s != null) {
      s.close();
    }
  }

  /** Sends {@code request} (intended at {@code intendedNs}) on the open, idle connection. */
  void send(RequestMix.Request request, long intendedNs, int phase) {
    busy = true;
    this.intendedNs = intendedNs;
    this.inFlight = request;
    this.sentPhase = phase;
    reader.expect(request.method() == HttpMethod.HEAD, request.wantsBody());
    lastActivityNs = System.nanoTime();
    socket.write(encode(request));
  }

  private Buffer encode(RequestMix.Request request) {
    String uri = request.uri();
    Buffer body = request.body();
    Buffer b = Buffer.buffer(uri.length() + hostHeader.length + (body == null ? 32 : 96 + body.length()));
    b.appendString(request.method().name()).appendByte((byte) ' ').appendString(uri).appendBytes(VERSION).appendBytes(hostHeader);
    if (body != null) {
      b.appendBytes(JSON_BODY).appendString(Integer.toString(body.length())).appendBytes(CRLF);
    }
    b.appendBytes(CRLF);
    if (body != null) {
      b.appendBuffer(body);
    }
    return b;
  }

  /** Fails the request in flight when no byte of its answer came for the timeout; called by the owner's sweep. */
  void expire(long now) {
    if (busy && socket != null && now - lastActivityNs > timeoutNs) {
      drop();
      finish(-1, new TimeoutException("no answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms"), null);
    }
  }

  @Override
  public void response(int status, boolean closing, Buffer body) {
    if (closing && socket != null) {
      drop(); // the server closes it after this response: replace it rather than fail the next request
    }
    finish(status, null, body);
  }

  @Override
  public void malformed(String why) {
    boolean wasBusy = busy;
    drop();
    if (wasBusy) {
      finish(-1, socketError != null ? socketError : new IOException(why), null);
    } else {
      owner.lost(this); // bytes nobody asked for: the connection is replaced
    }
  }

  private void finish(int status, Throwable failure, Buffer body) {
    if (!busy) {
      return;
    }
    busy = false; // idle from now on: a late event for this request (a close, a timeout) finds nothing to report
    owner.answered(this, new Outcome(sentPhase, intendedNs, inFlight, status, failure, body));
  }
}
