package dev.storefront.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import org.HdrHistogram.Histogram;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's share of a {@code bench http} run: its own HTTP/1.1 keep-alive connections (one request in
 * flight on each), its share of the rate, and its own histogram. Everything runs on the verticle's event loop, so
 * no state is shared or locked. Closed loop: a connection sends its next request when the last one answered.
 * Open model: a 1 ms tick releases the requests whose intended time has come; a request finding every connection
 * busy waits in a FIFO queue, and its latency counts from its intended time (no coordinated omission).
 */
final class LoadWorker extends VerticleBase {

  private static final long RECONNECT_DELAY_MS = 10;
  private static final long HIGHEST_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(10);
  private static final int PRECOMPUTED_URIS_MAX = 100_000;
  private static final int CLOSING = 1 << 16;

  /** One connection and its state; at most one request in flight. */
  private static final class Slot {
    HttpClientConnection conn;
    boolean busy;
    boolean parked;
    boolean connecting;
    long start;
  }

  private final LoadConfig config;
  private final double rate;
  private final Slot[] slots;
  private final SplittableRandom random;
  private final String uriPrefix;
  private final String uriSuffix;
  private final String[] uris;
  private final long timeoutMs;
  private final long timeoutNs;
  private final ArrayDeque<Slot> idle = new ArrayDeque<>();
  private final LongQueue queue = new LongQueue();

  final Histogram histogram = new Histogram(HIGHEST_LATENCY_MICROS, 3);
  final Histogram sendLag = new Histogram(HIGHEST_LATENCY_MICROS, 3);
  final long[] errors = new long[ErrorKind.values().length];
  long responses;
  long totalResponses;
  long lastMeasuredResponse;

  private HttpClientAgent client;
  private boolean started;
  private boolean finished;
  private long t0;
  private long measureStart = Long.MAX_VALUE;
  private long end = Long.MAX_VALUE;
  private long hardDeadline;
  private double intervalNs;
  private long toGenerate;
  private long generated;
  private int busy;
  private long timerId = -1;
  private int phase;
  private Promise<Void> done;

  LoadWorker(LoadConfig config, int connections, double rate, long seed) {
    this.config = config;
    this.rate = rate;
    this.slots = new Slot[connections];
    for (int i = 0; i < connections; i++) {
      slots[i] = new Slot();
    }
    this.random = new SplittableRandom(seed);
    String path = config.pathTemplate();
    int at = path.indexOf(LoadConfig.ID_PLACEHOLDER);
    this.uriPrefix = at < 0 ? path : path.substring(0, at);
    this.uriSuffix = at < 0 ? "" : path.substring(at + LoadConfig.ID_PLACEHOLDER.length());
    int range = config.idMax() - config.idMin() + 1;
    if (at < 0) {
      uris = new String[] {path};
    } else if (range <= PRECOMPUTED_URIS_MAX) {
      uris = new String[range];
      for (int i = 0; i < range; i++) {
        uris[i] = uriPrefix + (config.idMin() + i) + uriSuffix;
      }
    } else {
      uris = null;
    }
    this.timeoutMs = config.timeout().toMillis();
    this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
  }

  /** Opens the connections (failures are retried, and counted once the measured window begins). */
  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_1_1).setKeepAlive(true).setTcpNoDelay(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs)));
    List<Future<Void>> connects = new ArrayList<>(slots.length);
    for (Slot slot : slots) {
      Promise<Void> first = Promise.promise();
      connect(slot, first);
      connects.add(first.future());
    }
    return Future.join(connects);
  }

  @Override
  public Future<?> stop() {
    return client == null ? Future.succeededFuture() : client.close();
  }

  /**
   * Runs one phase: sends from {@code t0} (a {@link System#nanoTime()} shared by all workers) for {@code durationNs},
   * recording latencies only when {@code measured}; completes when drained. Connections stay open between phases.
   */
  Future<Void> begin(long t0, long durationNs, boolean measured) {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> {
      done = promise;
      phase++;
      finished = false;
      this.t0 = t0;
      measureStart = measured ? t0 : Long.MAX_VALUE;
      end = t0 + durationNs;
      hardDeadline = end + timeoutNs + TimeUnit.SECONDS.toNanos(1);
      generated = 0;
      while (!queue.isEmpty()) {
        queue.poll();
      }
      idle.clear();
      busy = 0;
      started = true;
      for (Slot slot : slots) {
        slot.parked = false;
        if (slot.busy) { // still waiting for an answer from the last phase, past its deadline: start afresh
          slot.busy = false;
          if (slot.conn != null) {
            slot.conn.close();
            slot.conn = null;
          }
        }
      }
      if (rate > 0) {
        intervalNs = 1e9 / rate;
        toGenerate = (long) Math.ceil((end - t0) / intervalNs);
        timerId = vertx.setPeriodic(1, id -> tick());
      } else {
        timerId = vertx.setPeriodic(10, id -> checkDone(System.nanoTime()));
      }
      for (Slot slot : slots) {
        if (slot.conn == null) {
          connect(slot, null);
        } else {
          resume(slot);
        }
      }
    });
    return promise.future();
  }

  private boolean inWindow(long t) {
    return t >= measureStart && t < end;
  }

  private String nextUri() {
    if (uris != null) {
      return uris.length == 1 ? uris[0] : uris[random.nextInt(uris.length)];
    }
    return uriPrefix + random.nextInt(config.idMin(), config.idMax() + 1) + uriSuffix;
  }

  private void connect(Slot slot, Promise<Void> first) {
    if (finished || slot.connecting) {
      return;
    }
    slot.connecting = true;
    client.connect(new HttpConnectOptions().setHost(config.host()).setPort(config.port()))
        .onComplete(ar -> {
          slot.connecting = false;
          if (ar.succeeded()) {
            HttpClientConnection conn = ar.result();
            if (finished) {
              conn.close();
            } else {
              slot.conn = conn;
              conn.closeHandler(v -> closed(slot, conn));
              resume(slot);
            }
          } else {
            if (started && inWindow(System.nanoTime())) {
              errors[ErrorKind.CONNECT.ordinal()]++;
            }
            if (!finished) {
              vertx.setTimer(RECONNECT_DELAY_MS, t -> connect(slot, null));
            }
          }
          if (first != null) {
            first.complete();
          }
        });
  }

  private void closed(Slot slot, HttpClientConnection conn) {
    if (slot.conn != conn) {
      return;
    }
    slot.conn = null;
    if (slot.parked) {
      slot.parked = false;
      idle.remove(slot);
    }
    if (!slot.busy && !finished) {
      connect(slot, null);
    }
  }

  private void send(Slot slot, long start) {
    if (rate > 0 && inWindow(start)) {
      sendLag.recordValue(Math.min(HIGHEST_LATENCY_MICROS, Math.max(0, (System.nanoTime() - start) / 1000)));
    }
    slot.busy = true;
    slot.start = start;
    busy++;
    HttpClientConnection conn = slot.conn;
    int sentIn = phase;
    conn.request(HttpMethod.GET, nextUri())
        .compose(req -> req.idleTimeout(timeoutMs).send())
        .compose(resp -> {
          // status, plus a flag when the server announced it closes the connection after this response
          int outcome = resp.statusCode() | ("close".equalsIgnoreCase(resp.getHeader("connection")) ? CLOSING : 0);
          return resp.end().map(outcome);
        })
        .onComplete(ar -> completed(slot, conn, start, ar, sentIn));
  }

  private void completed(Slot slot, HttpClientConnection conn, long start, AsyncResult<Integer> ar, int sentIn) {
    if (finished || sentIn != phase) {
      return;
    }
    slot.busy = false;
    busy--;
    long now = System.nanoTime();
    boolean measured = inWindow(start);
    if (ar.succeeded()) {
      totalResponses++;
      if ((ar.result() & CLOSING) != 0 && slot.conn == conn) {
        slot.conn = null; // the server closes it: replace it rather than fail the next request on it
        conn.close();
      }
      if (measured) {
        responses++;
        histogram.recordValue(Math.min(HIGHEST_LATENCY_MICROS, Math.max(0, (now - start) / 1000)));
        lastMeasuredResponse = now;
        ErrorKind kind = ErrorKind.ofStatus(ar.result() & ~CLOSING);
        if (kind != null) {
          errors[kind.ordinal()]++;
        }
      }
    } else {
      if (measured) {
        errors[ErrorKind.ofFailure(ar.cause()).ordinal()]++;
      }
      // the connection is unusable after a timeout or reset: replace it
      if (slot.conn == conn) {
        slot.conn = null;
        conn.close();
      }
    }
    if (slot.conn == null) {
      connect(slot, null); // closed by either side while this request was in flight
    } else {
      resume(slot);
    }
    checkDone(now);
  }

  /** Gives an idle, connected slot its next request (or parks it). */
  private void resume(Slot slot) {
    if (!started || finished || slot.conn == null || slot.busy) {
      return;
    }
    long now = System.nanoTime();
    if (rate <= 0) {
      if (now < end) {
        send(slot, now);
      }
      return;
    }
    expireQueued(now);
    if (!queue.isEmpty()) {
      send(slot, queue.poll());
    } else if (!slot.parked) {
      slot.parked = true;
      idle.add(slot);
    }
  }

  /** Open model: releases the requests whose intended time has come. */
  private void tick() {
    long now = System.nanoTime();
    long due = Math.min(toGenerate, (long) ((now - t0) / intervalNs) + 1);
    while (generated < due) {
      long intended = t0 + (long) (generated * intervalNs);
      generated++;
      Slot slot = idle.poll();
      if (slot != null) {
        slot.parked = false;
        send(slot, intended);
      } else {
        queue.add(intended);
      }
    }
    expireQueued(now);
    checkDone(now);
  }

  /** Queued requests that waited longer than the timeout are timeouts without ever being sent. */
  private void expireQueued(long now) {
    while (!queue.isEmpty() && now - queue.peek() > timeoutNs) {
      if (inWindow(queue.poll())) {
        errors[ErrorKind.TIMEOUT.ordinal()]++;
      }
    }
  }

  private void checkDone(long now) {
    if (finished || !started) {
      return;
    }
    boolean quiet = busy == 0 && (rate <= 0 || (generated >= toGenerate && queue.isEmpty()));
    if ((now >= end && quiet) || now >= hardDeadline) {
      finish();
    }
  }

  private void finish() {
    finished = true;
    vertx.cancelTimer(timerId);
    for (Slot slot : slots) {
      if (slot.busy && inWindow(slot.start)) {
        errors[ErrorKind.TIMEOUT.ordinal()]++;
      }
    }
    while (!queue.isEmpty()) {
      if (inWindow(queue.poll())) {
        errors[ErrorKind.TIMEOUT.ordinal()]++;
      }
    }
    done.complete();
  }

  /** A growable FIFO of primitive longs (intended send times): no boxing on the hot path. */
  private static final class LongQueue {
    private long[] items = new long[1024];
    private int head;
    private int size;

    boolean isEmpty() {
      return size == 0;
    }

    void add(long v) {
      if (size == items.length) {
        long[] bigger = new long[items.length * 2];
        for (int i = 0; i < size; i++) {
          bigger[i] = items[(head + i) % items.length];
        }
        items = bigger;
        head = 0;
      }
      items[(head + size) % items.length] = v;
      size++;
    }

    long peek() {
      return items[head];
    }

    long poll() {
      long v = items[head];
      head = (head + 1) % items.length;
      size--;
      return v;
    }
  }
}
