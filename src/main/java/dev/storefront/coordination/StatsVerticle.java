package dev.storefront.coordination;

import dev.storefront.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flushes this node's {@link RequestStats} to the clustered counters {@code stats.requests.node.<name>} and
 * {@code stats.requests.total} every flush interval: one add per counter per interval whatever the request
 * rate, nothing when idle, and a last flush on stop. A failed flush is retried with the next one, so no count
 * is lost or counted twice. One per node; it records the node's name in {@value #NODES_MAP}.
 */
public final class StatsVerticle extends VerticleBase {

  static final String NODES_MAP = "storefront.stats.nodes";
  static final String TOTAL = "stats.requests.total";
  private static final Logger LOG = LoggerFactory.getLogger(StatsVerticle.class);

  private final String nodeName;
  private final long intervalMs;
  private CounterStore counters;
  private RequestStats stats;
  private long flushedNode;
  private long flushedTotal;
  private Future<Void> inFlight = Future.succeededFuture();
  private long timer;

  public StatsVerticle(String nodeName, long intervalMs) {
    this.nodeName = CoordinationNames.require("node", nodeName);
    this.intervalMs = intervalMs;
  }

  static String nodeCounter(String nodeName) {
    return "stats.requests.node." + nodeName;
  }

  @Override
  public Future<?> start() {
    counters = ApCounters.of(vertx); // statistics stay AP in every coordination mode
    stats = RequestStats.of(vertx);
    JsonObject me = new JsonObject().put("pid", ProcessHandle.current().pid()).put("since", System.currentTimeMillis());
    return vertx.sharedData().<String, JsonObject>getAsyncMap(NODES_MAP)
        .compose(nodes -> nodes.put(nodeName, me))
        .onSuccess(v -> timer = vertx.setPeriodic(intervalMs, id -> {
          if (inFlight.isComplete()) {
            inFlight = flush();
          }
        }));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return inFlight.transform(ar -> flush());
  }

  /** Adds what was counted since the last successful flush; runs on this verticle's context only. */
  private Future<Void> flush() {
    long seen = stats.count();
    long start = System.nanoTime();
    boolean idle = seen == flushedNode && seen == flushedTotal; // sends nothing: not timed
    Future<Void> node = seen == flushedNode ? Future.succeededFuture()
        : counters.addAndGet(nodeCounter(nodeName), seen - flushedNode).onSuccess(v -> flushedNode = seen).mapEmpty();
    Future<Void> total = seen == flushedTotal ? Future.succeededFuture()
        : counters.addAndGet(TOTAL, seen - flushedTotal).onSuccess(v -> flushedTotal = seen).mapEmpty();
    return Future.join(node, total).<Void>mapEmpty()
        .onComplete(ar -> {
          if (!idle) {
            Metrics.of(vertx).recordOutcome(Metrics.COORDINATION, start, ar, "op", "stats.flush");
          }
        })
        .onFailure(err -> LOG.warn("request stats not flushed (retried next interval): {}", err.getMessage()));
  }
}
