package dev.storefront.coordination;

import com.hazelcast.cp.IAtomicLong;
import io.vertx.core.Future;

/**
 * Counters of coordination mode {@code cp}: one CP {@code IAtomicLong} per name (in the default CP group), used
 * through its async API only. Linearizable: every node sees one history, and an increment acknowledged is never
 * lost while a majority of the CP members lives. Without a majority every operation fails with a 503 after
 * {@code coordination.cpTimeoutMs} ({@link CpAccess}).
 */
final class CpCounters implements CounterStore {

  /** CP object names of counters; clients' names have no {@code /}, so these never meet internal ones. */
  private static final String PREFIX = "counter/";

  private final CpAccess cp;

  CpCounters(CpAccess cp) {
    this.cp = cp;
  }

  @Override
  public Future<Long> get(String name) {
    return counter(name).compose(c -> cp.call("get of counter " + name, c::getAsync));
  }

  @Override
  public Future<Long> addAndGet(String name, long delta) {
    return counter(name).compose(c -> cp.call("add to counter " + name, () -> c.addAndGetAsync(delta)));
  }

  @Override
  public Future<Boolean> compareAndSet(String name, long expect, long update) {
    return counter(name).compose(c -> cp.call("compare-and-set of counter " + name, () -> c.compareAndSetAsync(expect, update)));
  }

  private Future<IAtomicLong> counter(String name) {
    return cp.atomicLong(PREFIX + name);
  }
}
