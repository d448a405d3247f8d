package dev.storefront.coordination;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Cluster-wide named counters, as the node's {@code coordination.mode} provides them: {@link ApCounters} (Hazelcast
 * maps: available during a partition, increments can be lost when it heals) or {@link CpCounters} (CP
 * {@code IAtomicLong}s: linearizable; a side without a CP majority fails with a 503
 * {@link dev.storefront.failure.Failure}). Every operation is atomic; none blocks the caller's thread.
 */
public interface CounterStore {

  /** The node's counters (mode chosen when {@link Coordination#deploy} ran; {@code ap} before that). */
  static CounterStore of(Vertx vertx) {
    return Coordination.counters(vertx);
  }

  Future<Long> get(String name);

  Future<Long> addAndGet(String name, long delta);

  default Future<Long> incrementAndGet(String name) {
    return addAndGet(name, 1);
  }

  /** Sets the counter to {@code update} only if it holds {@code expect}; true when it did. */
  Future<Boolean> compareAndSet(String name, long expect, long update);
}
