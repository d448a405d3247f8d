package dev.storefront.coordination;

import com.hazelcast.cp.IAtomicReference;
import dev.storefront.cluster.NodeIdentity;
import dev.storefront.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The locks of coordination mode {@code cp}: each lock is one CP {@code IAtomicReference} holding its
 * {@link CpLockState}, changed only by compare-and-set, so Raft orders every change of every lock.
 *
 * <p>Acquire: read the state; if it is free or its lease has ended, compare-and-set it to held by us with token
 * {@link CpLockState#nextToken}; if someone else changed it first, read again; if it is held, wait (backoff from
 * 5 to 100 ms, never past the lease's end or the caller's deadline) and read again. Release: compare-and-set our
 * held state to free (keeping the token). Each successful change replaces exactly the state it read, so the tokens
 * of successive holders strictly increase; the floor of the clock in microseconds additionally keeps tokens above
 * any issued before a CP subsystem reset or by mode {@code ap}, as long as clocks do not run backwards.
 *
 * <p>No CP session and no thread owns a lock: any node may release it by token, and a holder that is cut off or
 * killed holds it only until its lease ends (clocks of the nodes must agree to well within a lease; the fencing
 * token, not the clock, is what keeps a late holder's writes out). The last state this node saw of each lock is
 * kept, so an uncontended acquire or release is one compare-and-set. Lock names are listed in the AP map
 * {@value #DIRECTORY_MAP} for {@link #list()}; the states themselves are read from CP.
 */
final class CpLocks implements LockService {

  static final String DIRECTORY_MAP = "storefront.cplocks";
  private static final String PREFIX = "lock/";
  private static final int MAX_CACHED = 4096;
  private static final int RELEASE_ROUNDS = 8;
  private static final Logger LOG = LoggerFactory.getLogger(CpLocks.class);

  private final Vertx vertx;
  private final CpAccess cp;
  private final Leases leases;
  private final String nodeId;
  private final ConcurrentHashMap<String, String> lastSeen = new ConcurrentHashMap<>();
  private final Set<String> listed = ConcurrentHashMap.newKeySet();

  CpLocks(Vertx vertx, CpAccess cp, Leases leases) {
    this.vertx = vertx;
    this.cp = cp;
    this.leases = leases;
    this.nodeId = NodeIdentity.clusterNodeId(vertx);
  }

  @Override
  public String mode() {
    return "cp";
  }

  @Override
  public Leases leases() {
    return leases;
  }

  @Override
  public Future<FencedLock> acquire(String name, long timeoutMs, long leaseMs) {
    long deadline = leases.acquireDeadline(timeoutMs, leaseMs);
    return cp.reference(PREFIX + name)
        .compose(ref -> {
          String seen = lastSeen.get(name);
          boolean tryCached = seen != null && CpLockState.decode(seen).availableAt(System.currentTimeMillis());
          return tryCached ? take(name, ref, seen, deadline, timeoutMs, leaseMs, 0)
              : attempt(name, ref, deadline, timeoutMs, leaseMs, 0);
        })
        .compose(lock -> listInDirectory(name).map(lock));
  }

  private Future<FencedLock> attempt(String name, IAtomicReference<String> ref, long deadline, long timeoutMs, long leaseMs, int round) {
    return read(name, ref).compose(raw -> {
      CpLockState state = CpLockState.decode(raw);
      long now = System.currentTimeMillis();
      if (state.availableAt(now)) {
        return take(name, ref, raw, deadline, timeoutMs, leaseMs, round);
      }
      long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (leftMs <= 0) {
        return Future.failedFuture(Failure.conflict("lock " + name + " not acquired within " + timeoutMs
            + " ms: held by node " + state.node() + " (token " + state.token() + ", lease until " + state.leaseExpiresAt() + ")"));
      }
      long backoff = Math.min(100, 5L << Math.min(round, 5)) + ThreadLocalRandom.current().nextLong(5);
      long waitMs = Math.max(1, Math.min(backoff, Math.min(leftMs, state.leaseExpiresAt() - now + 1)));
      return vertx.timer(waitMs).compose(v -> attempt(name, ref, deadline, timeoutMs, leaseMs, round + 1));
    });
  }

  /** Compare-and-set from {@code expectedRaw} (free or expired) to held by this node; on losing the race, reads again. */
  private Future<FencedLock> take(String name, IAtomicReference<String> ref, String expectedRaw, long deadline,
                                  long timeoutMs, long leaseMs, int round) {
    long now = System.currentTimeMillis();
    CpLockState expected = CpLockState.decode(expectedRaw);
    CpLockState mine = new CpLockState(true, expected.nextToken(now), now, now + leaseMs, nodeId, NodeIdentity.name(), NodeIdentity.pid());
    String mineRaw = mine.encode();
    return cp.call("acquire of lock " + name, () -> ref.compareAndSetAsync(expectedRaw, mineRaw)).compose(set -> {
      if (set) {
        remember(name, mineRaw);
        return Future.succeededFuture(new FencedLock(this, name, mine.token(), now, mine.leaseExpiresAt()));
      }
      return attempt(name, ref, deadline, timeoutMs, leaseMs, round + 1);
    });
  }

  @Override
  public Future<Void> release(String name, long token) {
    return cp.reference(PREFIX + name).compose(ref -> {
      String seen = lastSeen.get(name);
      CpLockState cached = seen == null ? null : CpLockState.decode(seen);
      return cached != null && cached.held() && cached.token() == token
          ? free(name, ref, token, seen, 0)
          : read(name, ref).compose(raw -> free(name, ref, token, raw, 0));
    });
  }

  private Future<Void> free(String name, IAtomicReference<String> ref, long token, String raw, int round) {
    CpLockState state = CpLockState.decode(raw);
    if (!state.held() || state.token() != token) {
      return Future.failedFuture(Failure.conflict("token " + token + " does not hold lock " + name
          + " (stale token, or lock not held; its token is " + state.token() + (state.held() ? "" : ", free") + ")"));
    }
    long now = System.currentTimeMillis();
    if (state.leaseExpiresAt() <= now) {
      return Future.failedFuture(Failure.conflict("the lease of lock " + name + " with token " + token + " ran out "
          + (now - state.leaseExpiresAt()) + " ms ago: the lock is free and the token stale"));
    }
    String freeRaw = CpLockState.free(token).encode();
    return cp.call("release of lock " + name, () -> ref.compareAndSetAsync(raw, freeRaw)).compose(set -> {
      if (set) {
        remember(name, freeRaw);
        return Future.<Void>succeededFuture();
      }
      if (round >= RELEASE_ROUNDS) {
        return Future.failedFuture(Failure.unavailable("lock " + name + " kept changing during its release", 1));
      }
      return read(name, ref).compose(again -> free(name, ref, token, again, round + 1));
    });
  }

  @Override
  public Future<JsonArray> list() {
    long now = System.currentTimeMillis();
    return directory().compose(AsyncMap::keys).compose(keys -> {
      List<String> names = new ArrayList<>(new TreeSet<>(keys));
      List<Future<String>> states = new ArrayList<>();
      for (String name : names) {
        states.add(cp.reference(PREFIX + name).compose(ref -> read(name, ref)));
      }
      return Future.all(states).map(all -> {
        JsonArray out = new JsonArray();
        for (int i = 0; i < names.size(); i++) {
          CpLockState s = CpLockState.decode(states.get(i).result());
          if (s.held() && s.leaseExpiresAt() > now) {
            out.add(new JsonObject().put("name", names.get(i)).mergeIn(s.toJson()).put("ageMs", Math.max(0, now - s.acquiredAt())));
          }
        }
        return out;
      });
    });
  }

  private Future<String> read(String name, IAtomicReference<String> ref) {
    return cp.call("read of lock " + name, ref::getAsync).onSuccess(raw -> remember(name, raw));
  }

  private void remember(String name, String raw) {
    if (raw == null) {
      return;
    }
    if (lastSeen.size() >= MAX_CACHED) {
      lastSeen.clear();
    }
    lastSeen.put(name, raw);
  }

  /** Records the name for {@link #list()} once per node; a failure only delays the listing, never the lock. */
  private Future<Void> listInDirectory(String name) {
    if (listed.contains(name)) {
      return Future.succeededFuture();
    }
    return directory().compose(m -> m.put(name, Boolean.TRUE)).onSuccess(v -> listed.add(name))
        .recover(err -> {
          LOG.warn("lock {} not recorded in {} (retried next time): {}", name, DIRECTORY_MAP, err.getMessage());
          return Future.succeededFuture();
        });
  }

  private Future<AsyncMap<String, Boolean>> directory() {
    return vertx.sharedData().getAsyncMap(DIRECTORY_MAP);
  }
}
