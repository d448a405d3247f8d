package dev.storefront.coordination;

import io.vertx.core.json.JsonObject;

/**
 * The value of a cp lock's atomic reference, as a JSON string: held (token, holder, acquired and lease expiry, epoch
 * ms) or free (with the last token, so no free state ever repeats and a compare-and-set from an old one fails).
 * {@code null} in the reference (a lock never taken) reads as free with token 0.
 */
record CpLockState(boolean held, long token, long acquiredAt, long leaseExpiresAt, String nodeId, String node, long pid) {

  static final CpLockState NEVER_TAKEN = free(0);

  static CpLockState free(long lastToken) {
    return new CpLockState(false, lastToken, 0, 0, null, null, 0);
  }

  static CpLockState decode(String raw) {
    if (raw == null) {
      return NEVER_TAKEN;
    }
    JsonObject json = new JsonObject(raw);
    if (!json.getBoolean("held")) {
      return free(json.getLong("token"));
    }
    return new CpLockState(true, json.getLong("token"), json.getLong("acquiredAt"), json.getLong("leaseExpiresAt"),
        json.getString("nodeId"), json.getString("node"), json.getLong("pid"));
  }

  String encode() {
    return held ? toJson().put("held", true).encode() : new JsonObject().put("held", false).put("token", token).encode();
  }

  /** Free, or held by a lease that ended by {@code nowMillis}. */
  boolean availableAt(long nowMillis) {
    return !held || leaseExpiresAt <= nowMillis;
  }

  /** The next holder's token: above this one, and never below the clock in microseconds (see {@link CpLocks}). */
  long nextToken(long nowMillis) {
    return Math.max(token + 1, nowMillis * 1000);
  }

  /** As {@code GET /locks} lists a held lock. */
  JsonObject toJson() {
    return new JsonObject().put("token", token).put("acquiredAt", acquiredAt).put("leaseExpiresAt", leaseExpiresAt)
        .put("nodeId", nodeId).put("node", node).put("pid", pid);
  }
}
