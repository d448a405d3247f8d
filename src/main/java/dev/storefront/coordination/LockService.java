package dev.storefront.coordination;

import dev.storefront.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Cluster-wide leased locks with fencing tokens, as the node's {@code coordination.mode} provides them:
 * {@link ApLocks} (Hazelcast map locks and counter tokens) or {@link CpLocks} (CP atomic references). A token
 * strictly increases per lock name; a lock is free once its lease runs out, and its token is stale from then on.
 * Failures are domain {@link Failure}s: 409 for a lock not acquired in time or a stale token, 400 for a lease
 * out of bounds, 503 when the coordination layer cannot answer.
 */
public interface LockService {

  /** The node's locks (mode chosen when {@link Coordination#deploy} ran; {@code ap} before that). */
  static LockService of(Vertx vertx) {
    return Coordination.locks(vertx);
  }

  /** {@code ap} or {@code cp}. */
  String mode();

  /** The default and the largest lease. */
  Leases leases();

  /**
   * Acquires lock {@code name}, waiting at most {@code timeoutMs}, for {@code leaseMs} (within
   * {@link #leases()}); fails with a 409 {@link Failure} when the time runs out.
   */
  Future<FencedLock> acquire(String name, long timeoutMs, long leaseMs);

  /** {@link #acquire(String, long, long)} with the default lease. */
  default Future<FencedLock> acquire(String name, long timeoutMs) {
    return acquire(name, timeoutMs, leases().defaultMs());
  }

  /**
   * Releases lock {@code name} if {@code token} holds it now, asked of any node; a stale token, a lock not held or
   * one whose lease ran out is a 409 {@link Failure}.
   */
  Future<Void> release(String name, long token);

  /** The held locks of the cluster, sorted by name, each with its holder, token and lease expiry. */
  Future<JsonArray> list();

  /**
   * Acquires every lock of {@code names} in one canonical order (sorted by name), all within one overall
   * {@code timeoutMs}; when one cannot be had, releases those taken and fails like {@link #acquire}.
   */
  default Future<List<FencedLock>> acquireAll(Collection<String> names, long timeoutMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    List<String> ordered = new ArrayList<>(new TreeSet<>(names));
    List<FencedLock> taken = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (String name : ordered) {
      chain = chain.compose(v -> acquire(name, Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())))
          .map(lock -> {
            taken.add(lock);
            return null;
          }));
    }
    return chain.map(v -> List.copyOf(taken)).recover(err -> {
      List<Future<Void>> released = new ArrayList<>();
      taken.forEach(lock -> released.add(lock.release().recover(e -> Future.succeededFuture())));
      Throwable reported = Failure.is(err, Failure.Kind.CONFLICT)
          ? Failure.conflict("locks " + String.join(",", ordered) + " not acquired within " + timeoutMs + " ms: held elsewhere")
          : err;
      return Future.all(released).transform(x -> Future.failedFuture(reported));
    });
  }
}
