package dev.storefront.coordination;

import dev.storefront.cluster.NodeIdentity;
import dev.storefront.cluster.NodeLocal;
import dev.storefront.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node sets up for coordination: the {@link CounterStore} and {@link LockService} of its
 * {@code coordination.mode} ({@code ap}: {@link ApCounters}, {@link ApLocks}; {@code cp}: {@link CpCounters},
 * {@link CpLocks}), registered for {@link #counters} and {@link #locks}; in mode {@code ap} the lock holder's
 * release endpoint; in both the stats flusher (request statistics stay on the AP counters in every mode: they need
 * no consensus and stay available in a partition).
 */
public final class Coordination {

  private static final Logger LOG = LoggerFactory.getLogger(Coordination.class);

  private Coordination() {
  }

  /** Installs the mode's backends, then deploys the lock holder (mode ap) and the stats flusher; works clustered or not (mode ap). */
  public static Future<Void> deploy(Vertx vertx, Settings settings) {
    return deploy(vertx, settings, NodeIdentity.name());
  }

  static Future<Void> deploy(Vertx vertx, Settings settings, String nodeName) {
    try {
      install(vertx, settings);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Future<String> holder = "cp".equals(settings.string("coordination.mode"))
        ? Future.succeededFuture("")
        : vertx.deployVerticle(new LockHolderVerticle());
    return holder
        .compose(id -> vertx.deployVerticle(new StatsVerticle(nodeName, settings.longValue("stats.flushIntervalMs"))))
        .mapEmpty();
  }

  /** Registers the counters and locks of {@code coordination.mode} as this node's; a second call replaces them. */
  static void install(Vertx vertx, Settings settings) {
    Leases leases = Leases.from(settings);
    if ("cp".equals(settings.string("coordination.mode"))) {
      CpAccess cp = CpAccess.of(vertx, settings);
      NodeLocal.register(vertx, CounterStore.class, new CpCounters(cp));
      NodeLocal.register(vertx, LockService.class, new CpLocks(vertx, cp, leases));
      CpMembership.start(vertx, cp, settings.integer("coordination.cpMembers"));
      LOG.info("coordination mode cp: counters and locks on Hazelcast's CP subsystem ({} CP members, operations bounded by {} ms)",
          settings.integer("coordination.cpMembers"), cp.timeoutMs());
    } else {
      NodeLocal.register(vertx, CounterStore.class, ApCounters.of(vertx));
      NodeLocal.register(vertx, LockService.class, ApLocks.of(vertx, leases));
    }
  }

  /** The node's counters; {@link ApCounters} when {@link #deploy} has not run. */
  public static CounterStore counters(Vertx vertx) {
    CounterStore installed = NodeLocal.find(vertx, CounterStore.class);
    return installed != null ? installed : ApCounters.of(vertx);
  }

  /** The node's locks; {@link ApLocks} when {@link #deploy} has not run. */
  public static LockService locks(Vertx vertx) {
    LockService installed = NodeLocal.find(vertx, LockService.class);
    return installed != null ? installed : ApLocks.of(vertx);
  }

  /**
   * {@code GET /coordination}: the mode, the lease bounds and, in mode cp, this node's CP member id (null when it is
   * not one) and the active CP members (a CP operation: a 503 without a majority).
   */
  public static Future<JsonObject> describe(Vertx vertx) {
    LockService locks = locks(vertx);
    JsonObject out = new JsonObject().put("mode", locks.mode())
        .put("lockLeaseDefaultMs", locks.leases().defaultMs()).put("lockLeaseMaxMs", locks.leases().maxMs());
    CpAccess cp = NodeLocal.find(vertx, CpAccess.class);
    if (cp == null || !"cp".equals(locks.mode())) {
      return Future.succeededFuture(out);
    }
    out.put("cpTimeoutMs", cp.timeoutMs());
    var local = cp.subsystem().getLocalCPMember();
    out.put("localCpMember", local == null ? null : local.getUuid().toString());
    return cp.call("listing of the CP members", () -> cp.subsystem().getCPSubsystemManagementService().getCPMembers())
        .map(members -> {
          io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
          members.forEach(m -> list.add(new JsonObject().put("uuid", m.getUuid().toString()).put("address", String.valueOf(m.getAddress()))));
          return out.put("cpMembers", list);
        });
  }
}
