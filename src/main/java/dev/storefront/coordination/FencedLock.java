package dev.storefront.coordination;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * A held cluster-wide lock and its fencing token: the token strictly increases per lock name across the
 * cluster, so whatever a holder writes to can tell the current holder from one that lost the lock.
 */
public final class FencedLock {

  private final FencedLocks owner;
  private final String name;
  private final long token;
  private final long acquiredAtMillis;

  FencedLock(FencedLocks owner, String name, long token, long acquiredAtMillis) {
    this.owner = owner;
    this.name = name;
    this.token = token;
    this.acquiredAtMillis = acquiredAtMillis;
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

  /** Releases the lock; fails with a 409 {@link dev.storefront.failure.Failure} when it was already released. */
  public Future<Void> release() {
    return owner.release(name, token);
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("token", token).put("acquiredAt", acquiredAtMillis);
  }

  @Override
  public String toString() {
    return "lock " + name + " (token " + token + ")";
  }
}
