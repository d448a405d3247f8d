package dev.storefront.coordination;

import dev.storefront.cluster.NodeLocal;
import dev.storefront.config.Settings;
import com.hazelcast.map.IMap;
import dev.storefront.failure.Failure;
import dev.storefront.cluster.NodeIdentity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Lock;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The locks of coordination mode {@code ap}: cluster-wide leased locks with fencing tokens, one instance per
 * Vert.x ({@link #of(Vertx)}).
 *
 * <p>Acquiring takes, in order: a local lock of this Vert.x (at most one holder per node and name, so the
 * re-entrant Hazelcast lock below is never entered twice by one member), a Hazelcast {@code IMap} lock on
 * {@value #LOCK_MAP} (owned by this member; freed by Hazelcast when the member dies), then the token:
 * {@code incrementAndGet} of counter {@code fence/<name>}. That is safe because the increment happens while
 * holding the lock, so the next holder's increment happens after ours and yields a larger number; the
 * counter has a backup, and clients cannot name it (names with {@code /} are internal).
 *
 * <p>On a Vert.x that is not clustered (a node running alone) the local lock is the whole lock.
 *
 * <p>A held lock stays in this node's registry (Hazelcast locks can only be released by their member) and is
 * recorded in clustered map {@value #HOLDERS_MAP}; a release asked of another node is forwarded over the event
 * bus to the holder's {@link #address(String)}, served by {@link LockHolderVerticle}. The holding node releases the
 * lock itself when its lease runs out (a timer), so from then on its token is stale; a lease cannot outlive the
 * holding node, whose Hazelcast lock is freed when the cluster declares it dead.
 *
 * <p>AP: after a network partition heals, Hazelcast merges the lock and counter maps by policy, so both sides may
 * have had a holder and tokens can repeat. Use mode {@code cp} ({@link CpLocks}) where fencing must hold.
 */
public final class ApLocks implements LockService {

  public static final String HOLDERS_MAP = "storefront.locks";
  static final String LOCK_MAP = "storefront.lockstate";
  static final String FENCE_PREFIX = "fence/";
  private static final String LOCAL_PREFIX = "storefront.lock/";
  private static final int MAX_WAITING = 64;
  private static final Logger LOG = LoggerFactory.getLogger(ApLocks.class);

  private record Held(FencedLock lock, Lock local, long leaseTimer) {
  }

  private final VertxInternal vertx;
  private final String nodeId;
  private final IMap<String, Boolean> lockMap;
  private final ApCounters counters;
  private final Leases leases;
  private final ThreadPoolExecutor waiters;
  private final ConcurrentMap<String, Held> held = new ConcurrentHashMap<>();

  private ApLocks(Vertx vertx, Leases leases) {
    this.vertx = (VertxInternal) vertx;
    this.nodeId = NodeIdentity.clusterNodeId(vertx);
    if (this.vertx.isClustered()) {
      if (!(this.vertx.clusterManager() instanceof HazelcastClusterManager)) {
        throw new IllegalStateException("fenced locks need a Vert.x clustered with Hazelcast");
      }
      this.lockMap = ((HazelcastClusterManager) this.vertx.clusterManager()).getHazelcastInstance().getMap(LOCK_MAP);
    } else {
      this.lockMap = null; // a node running alone: its local lock is the whole lock
    }
    this.counters = ApCounters.of(vertx);
    this.leases = leases;
    AtomicInteger threads = new AtomicInteger();
    // Hazelcast's tryLock blocks its thread while it waits: waits get their own bounded pool, never an event loop.
    this.waiters = new ThreadPoolExecutor(0, MAX_WAITING, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "storefront-lock-wait-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** The node's instance; created with the default leases unless {@link #of(Vertx, Leases)} came first. */
  public static ApLocks of(Vertx vertx) {
    return of(vertx, Leases.from(Settings.defaults()));
  }

  static ApLocks of(Vertx vertx, Leases leases) {
    return NodeLocal.get(vertx, ApLocks.class, () -> new ApLocks(vertx, leases));
  }

  @Override
  public String mode() {
    return "ap";
  }

  @Override
  public Leases leases() {
    return leases;
  }

  /** The event-bus address where the node with cluster id {@code nodeId} releases the locks it holds. */
  public static String address(String nodeId) {
    return "storefront.locks." + nodeId;
  }

  String nodeId() {
    return nodeId;
  }

  @Override
  public Future<FencedLock> acquire(String name, long timeoutMs, long leaseMs) {
    long deadline = leases.acquireDeadline(timeoutMs, leaseMs);
    // Vert.x local locks need a timeout of at least 1 ms.
    return vertx.sharedData().getLocalLockWithTimeout(LOCAL_PREFIX + name, Math.max(1, timeoutMs))
        .recover(err -> Future.failedFuture(timedOut(name, timeoutMs)))
        .compose(local -> lockInCluster(name, remainingMs(deadline), timeoutMs)
            .compose(v -> counters.incrementAndGet(FENCE_PREFIX + name)
                .compose(token -> register(name, token, local, leaseMs))
                .recover(err -> unlockInCluster(name).transform(x -> Future.<FencedLock>failedFuture(err))))
            .onFailure(err -> local.release()));
  }

  /** Forwarded to the node that holds lock {@code name}, which releases it if {@code token} is its current token. */
  @Override
  public Future<Void> release(String name, long token) {
    Held mine = held.get(name);
    if (mine != null && mine.lock.token() == token) {
      return releaseLocal(name, token);
    }
    return holders().compose(m -> m.get(name)).compose(record -> {
      if (record == null || record.getLong("token") != token || record.getString("nodeId").equals(nodeId)) {
        return Future.failedFuture(stale(name, token));
      }
      String holder = record.getString("nodeId");
      JsonObject request = new JsonObject().put("name", name).put("token", token);
      return vertx.eventBus().request(address(holder), request).<Void>mapEmpty().recover(err -> {
        if (err instanceof ReplyException && ((ReplyException) err).failureType() == ReplyFailure.RECIPIENT_FAILURE
            && Failure.fromCode(((ReplyException) err).failureCode(), err.getMessage()) != null) {
          return Future.failedFuture(Failure.fromCode(((ReplyException) err).failureCode(), err.getMessage()));
        }
        if (err instanceof ReplyException && ((ReplyException) err).failureType() == ReplyFailure.NO_HANDLERS) {
          return Future.failedFuture(Failure.conflict("lock " + name + " was held by node " + record.getString("node")
              + ", which is gone; the cluster frees it when it declares that node dead"));
        }
        return Future.failedFuture(Failure.unavailable("could not reach node " + record.getString("node")
            + " holding lock " + name + ": " + err.getMessage(), 1));
      });
    });
  }

  /** Releases lock {@code name} held by this node, if {@code token} is its current token. */
  Future<Void> releaseLocal(String name, long token) {
    Held mine = held.get(name);
    if (mine == null || mine.lock.token() != token || !held.remove(name, mine)) {
      return Future.failedFuture(stale(name, token));
    }
    vertx.cancelTimer(mine.leaseTimer);
    // Forget the record while still holding the lock, so a later holder's record is never removed.
    return holders().compose(m -> m.remove(name))
        .transform(ar -> {
          if (ar.failed()) {
            LOG.warn("could not remove the holder record of lock {}: {}", name, ar.cause().getMessage());
          }
          return unlockInCluster(name);
        })
        .eventually(() -> {
          mine.local.release();
          return Future.succeededFuture();
        });
  }

  /** Releases every lock this node holds (when the node stops). */
  Future<Void> releaseAllLocal() {
    List<Future<Void>> all = new ArrayList<>();
    held.forEach((name, h) -> all.add(releaseLocal(name, h.lock.token()).recover(err -> Future.succeededFuture())));
    return Future.all(all).mapEmpty();
  }

  /** The held locks of the cluster, sorted by name, omitting records of holders that left the cluster. */
  @Override
  public Future<JsonArray> list() {
    Set<String> members = new HashSet<>(NodeIdentity.liveNodeIds(vertx));
    long now = System.currentTimeMillis();
    return holders().compose(AsyncMap::entries).map(entries -> {
      JsonArray out = new JsonArray();
      entries.values().stream()
          .filter(r -> members.contains(r.getString("nodeId")))
          .sorted(Comparator.comparing(r -> r.getString("name")))
          .forEach(r -> out.add(r.copy().put("ageMs", Math.max(0, now - r.getLong("acquiredAt")))));
      return out;
    });
  }

  private Future<FencedLock> register(String name, long token, Lock local, long leaseMs) {
    long now = System.currentTimeMillis();
    FencedLock lock = new FencedLock(this, name, token, now, now + leaseMs);
    JsonObject record = lock.toJson().put("nodeId", nodeId).put("node", NodeIdentity.name()).put("pid", NodeIdentity.pid());
    // The lease: this node releases the lock when it runs out (a no-op when released before).
    long timer = vertx.setTimer(leaseMs, id -> releaseLocal(name, token)
        .onSuccess(v -> LOG.info("lock {} (token {}) freed: its lease of {} ms ran out", name, token, leaseMs)));
    held.put(name, new Held(lock, local, timer));
    return holders().compose(m -> m.put(name, record)).map(lock).recover(err -> {
      held.remove(name);
      vertx.cancelTimer(timer);
      return Future.failedFuture(err);
    });
  }

  private Future<Void> lockInCluster(String name, long waitMs, long timeoutMs) {
    if (lockMap == null) {
      return Future.succeededFuture();
    }
    return onWaiter(() -> lockMap.tryLock(name, waitMs, TimeUnit.MILLISECONDS))
        .compose(locked -> locked ? Future.succeededFuture() : Future.failedFuture(timedOut(name, timeoutMs)));
  }

  private Future<Void> unlockInCluster(String name) {
    if (lockMap == null) {
      return Future.succeededFuture();
    }
    return onWaiter(() -> {
      lockMap.forceUnlock(name);
      return null;
    }).mapEmpty();
  }

  private <T> Future<T> onWaiter(Callable<T> blocking) {
    ContextInternal context = vertx.getOrCreateContext();
    PromiseInternal<T> promise = context.promise();
    try {
      waiters.execute(() -> {
        try {
          promise.complete(blocking.call());
        } catch (Exception e) {
          promise.fail(e);
        }
      });
    } catch (RejectedExecutionException e) {
      promise.fail(Failure.unavailable("too many lock operations waiting on this node (" + MAX_WAITING + ")", 1));
    }
    return promise.future();
  }

  private Future<AsyncMap<String, JsonObject>> holders() {
    return vertx.sharedData().getAsyncMap(HOLDERS_MAP); // cluster-wide when clustered
  }

  private static long remainingMs(long deadlineNanos) {
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
  }

  private static Failure timedOut(String name, long timeoutMs) {
    return Failure.conflict("lock " + name + " not acquired within " + timeoutMs + " ms: held elsewhere");
  }

  private static Failure stale(String name, long token) {
    return Failure.conflict("token " + token + " does not hold lock " + name + " (stale token, lease ran out, or lock not held)");
  }
}
