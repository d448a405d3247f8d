package dev.storefront.coordination;

import dev.storefront.cluster.NodeLocal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Counter;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Cluster-wide counters on Vert.x shared data (Hazelcast entry processors on {@code __vertx.map.counter}, one
 * backup): every operation is atomic on the member owning the counter. Counter handles are cached, since
 * obtaining one costs a remote call.
 */
public final class Counters {

  private static final int MAX_CACHED = 4096;

  private final Vertx vertx;
  private final ConcurrentMap<String, Future<Counter>> handles = new ConcurrentHashMap<>();

  private Counters(Vertx vertx) {
    this.vertx = vertx;
  }

  public static Counters of(Vertx vertx) {
    return NodeLocal.get(vertx, Counters.class, () -> new Counters(vertx));
  }

  public Future<Long> get(String name) {
    return counter(name).compose(Counter::get);
  }

  public Future<Long> addAndGet(String name, long delta) {
    return counter(name).compose(c -> c.addAndGet(delta));
  }

  public Future<Long> incrementAndGet(String name) {
    return addAndGet(name, 1);
  }

  /** Sets the counter to {@code update} only if it holds {@code expect}; true when it did. */
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
