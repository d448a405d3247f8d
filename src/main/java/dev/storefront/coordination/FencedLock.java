package dev.storefront.coordination;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A held cluster-wide lock, its fencing token and its lease: the token strictly increases per lock name across the
 * cluster, so whatever a holder writes to can tell the current holder from one that lost the lock; at
 * {@link #leaseExpiresAtMillis()} the lock is free and the token stale.
 */
public final class FencedLock {

  private final LockService owner;
  private final String name;
  private final long token;
  private final long acquiredAtMillis;
  private final long leaseExpiresAtMillis;

  FencedLock(LockService owner, String name, long token, long acquiredAtMillis, long leaseExpiresAtMillis) {
    this.owner = owner;
    this.name = name;
    this.token = token;
    this.acquiredAtMillis = acquiredAtMillis;
    this.leaseExpiresAtMillis = leaseExpiresAtMillis;
  }

  public String name() {
    return name;
  }

  public long token() {
    return token;
  }

  public long acquiredAtMillis() {
    return acquiredAtMillis;
  }

  /** Wall-clock time (epoch ms, the acquiring node's clock) at which the lease ends. */
  public long leaseExpiresAtMillis() {
    return leaseExpiresAtMillis;
  }

  /** Releases the lock; fails with a 409 {@link dev.storefront.failure.Failure} when it was already released or its lease ran out. */
  public Future<Void> release() {
    return owner.release(name, token);
  }

  /** {@code {"name", "token", "acquiredAt", "leaseMs", "leaseExpiresAt"}}, times in epoch ms. */
  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("token", token).put("acquiredAt", acquiredAtMillis)
        .put("leaseMs", leaseExpiresAtMillis - acquiredAtMillis).put("leaseExpiresAt", leaseExpiresAtMillis);
  }

  @Override
  public String toString() {
    return "lock " + name + " (token " + token + ")";
  }
}
