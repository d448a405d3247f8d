package dev.storefront.coordination;

import dev.storefront.cluster.NodeLocal;
import io.vertx.core.Vertx;

import java.util.concurrent.atomic.LongAdder;

/**
 * Requests served by this node, counted locally (a {@link LongAdder}: no lock, no remote call);
 * {@link StatsVerticle} flushes the growth to the clustered counters. Never reset, so no count is lost
 * between a read and a flush.
 */
public final class RequestStats {

  private final LongAdder served = new LongAdder();

  private RequestStats() {
  }

  public static RequestStats of(Vertx vertx) {
    return NodeLocal.get(vertx, RequestStats.class, RequestStats::new);
  }

  /** Counts one request; call once per request. */
  public void increment() {
    served.increment();
  }

  /** Requests counted since this node started. */
  public long count() {
    return served.sum();
  }
}
