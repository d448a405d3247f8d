package dev.storefront.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load shedding for one node: at most {@code limit} requests in flight across all of its event loops (one instance
 * shared by the node's HTTP verticles). A request past the limit is answered at once, before it is routed or its body
 * read, with 503 {@code overloaded} and {@code Retry-After: 1}; it is counted ({@link #shed()}) and logged at most
 * once a second with the count since the last line, never once per request. A slot is taken when a request arrives
 * and given back, once, when its response ends or its connection closes, whichever comes first; the router's first
 * handler calls {@link #track} so that handlers using {@code ctx.addEndHandler} cannot drop the release. A route that
 * answers with a long-lived stream (server-sent events) calls {@link #openStream}: the stream gives its request slot
 * back and holds one of {@code maxStreams} stream slots until it ends, so open dashboards and job watchers never
 * shed the node's other requests. Nothing may set the response's end handler directly. {@code /health/live} is never shed: an overloaded process is still alive, and a
 * liveness probe that failed under load would get it restarted.
 */
public final class InFlightLimit {

  private static final Logger LOG = LoggerFactory.getLogger(InFlightLimit.class);
  private static final String LIVE_PATH = "/health/live";
  private static final String KEY = "storefront.inFlightLimit";
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final int limit;
  private final int maxStreams;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger streams = new AtomicInteger();
  private final Set<HttpServerResponse> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong shed = new AtomicLong();
  private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - 2 * LOG_INTERVAL_NANOS);
  private final AtomicLong shedAtLastLog = new AtomicLong();

  public InFlightLimit(int limit, int maxStreams) {
    this.limit = limit;
    this.maxStreams = maxStreams;
  }

  /** Passes {@code request} to {@code next} when a slot is free, else answers it 503. */
  public void handle(Vertx vertx, HttpServerRequest request, Handler<HttpServerRequest> next) {
    if (inFlight.incrementAndGet() > limit && !LIVE_PATH.equals(request.path())) {
      inFlight.decrementAndGet();
      report(shed.incrementAndGet());
      ErrorHandler.respond(vertx, request, new ApiError(503, "overloaded",
          "this node is at its limit of " + limit + " requests in flight; try again shortly", 1), false);
      return;
    }
    HttpServerResponse response = request.response();
    open.add(response);
    response.endHandler(v -> release(response));
    next.handle(request);
  }

  /**
   * For the router's first handler: keeps the slot's release in the routing context's end handlers. The router takes
   * the response's single end handler as soon as anything calls {@code ctx.addEndHandler} (vert.x-web's logger and
   * timeout handlers do), which would otherwise drop the release set in {@link #handle} and leak the slot.
   */
  public void track(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (open.contains(response)) {
      ctx.put(KEY, this);
      ctx.addEndHandler(v -> release(response));
    }
  }

  /**
   * For a route about to answer with a stream that stays open (server-sent events): moves the request from the
   * node's requests in flight to its open streams, or fails with 503 {@code overloaded} when {@code maxStreams} are
   * open. Does nothing for a request the limit did not admit (a router without it, as in tests).
   */
  public static void openStream(RoutingContext ctx) {
    InFlightLimit limit = ctx.get(KEY);
    if (limit == null) {
      return;
    }
    if (limit.streams.incrementAndGet() > limit.maxStreams) {
      limit.streams.decrementAndGet();
      limit.report(limit.shed.incrementAndGet());
      throw new ApiError(503, "overloaded", "this node has its limit of " + limit.maxStreams
          + " event streams open (http.maxStreams); try again shortly", 5);
    }
    ctx.remove(KEY); // once per request
    limit.release(ctx.response());
    ctx.addEndHandler(v -> limit.streams.decrementAndGet());
  }

  private void release(HttpServerResponse response) {
    if (open.remove(response)) {
      inFlight.decrementAndGet();
    }
  }

  private void report(long total) {
    long now = System.nanoTime();
    long last = lastLogNanos.get();
    if (now - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now)) {
      long since = total - shedAtLastLog.getAndSet(total);
      LOG.warn("overloaded: shed {} request(s) with 503 since the last report ({} in total; limit http.maxInFlight={} per node)",
          since, total, limit);
    }
  }

  /** Requests in flight now on this node. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Event streams open now on this node. */
  public int streams() {
    return streams.get();
  }

  /** Requests shed since the node started. */
  public long shed() {
    return shed.get();
  }

  public int limit() {
    return limit;
  }
}
