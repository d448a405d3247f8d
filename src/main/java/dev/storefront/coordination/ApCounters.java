package dev.storefront.coordination;

import dev.storefront.cluster.NodeLocal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Counter;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counters of coordination mode {@code ap}, and the request statistics' counters in every mode: cluster-wide
 * counters on Vert.x shared data (Hazelcast entry processors on {@code __vertx.map.counter}, one
 * backup): every operation is atomic on the member owning the counter. Counter handles are cached, since
 * obtaining one costs a remote call.
 */
public final class ApCounters implements CounterStore {

  private static final int MAX_CACHED = 4096;

  private final Vertx vertx;
  private final ConcurrentMap<String, Future<Counter>> handles = new ConcurrentHashMap<>();

  private ApCounters(Vertx vertx) {
    this.vertx = vertx;
  }

  public static ApCounters of(Vertx vertx) {
    return NodeLocal.get(vertx, ApCounters.class, () -> new ApCounters(vertx));
  }

  @Override
  public Future<Long> get(String name) {
    return counter(name).compose(Counter::get);
  }

  @Override
  public Future<Long> addAndGet(String name, long delta) {
    return counter(name).compose(c -> c.addAndGet(delta));
  }

  @Override
  public Future<Boolean> compareAndSet(String name, long expect, long update) {
    return counter(name).compose(c -> c.compareAndSet(expect, update));
  }

  private Future<Counter> counter(String name) {
    Future<Counter> cached = handles.get(name);
    if (cached != null) {
      return cached;
    }
    if (handles.size() >= MAX_CACHED) {
      handles.clear();
    }
    Future<Counter> created = vertx.sharedData().getCounter(name);
    created.onComplete(ar -> {
      if (ar.succeeded()) {
        handles.putIfAbsent(name, Future.succeededFuture(ar.result()));
      }
    });
    return created;
  }
}
