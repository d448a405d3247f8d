package dev.storefront.coordination;

import com.hazelcast.cp.CPSubsystemManagementService;
import dev.storefront.cluster.NodeLocal;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the CP subsystem at {@code coordination.cpMembers} members (mode cp). CP membership is not dynamic: a CP
 * member that dies stays in its groups until it has been missing for {@code missing-cp-member-auto-removal-seconds}
 * (cluster.xml: 120 s), and a node restarted in its place (a new Hazelcast member, as serve's restarts are) joins as
 * an AP member. Left alone, the groups shrink to 2 and the next loss takes the majority for good. So every
 * {@value #CHECK_MS} ms a node that is not a CP member, once discovery has completed, counts the CP members and
 * promotes itself when there are fewer than configured. Each check is one CP call (off the event loop, bounded like
 * every other), so a node without a majority just tries again later. The promoted member joins the groups a little
 * after the promotion (seconds here): a second crash before that can still take a group's majority.
 */
final class CpMembership {

  static final long CHECK_MS = 5_000;
  private static final Logger LOG = LoggerFactory.getLogger(CpMembership.class);

  private final CpAccess cp;
  private final int wanted;
  private final AtomicBoolean checking = new AtomicBoolean();

  private CpMembership(CpAccess cp, int wanted) {
    this.cp = cp;
    this.wanted = wanted;
  }

  /** Starts the periodic check on {@code vertx}, once per node (it ends when the Vert.x instance closes). */
  static void start(Vertx vertx, CpAccess cp, int wanted) {
    NodeLocal.get(vertx, CpMembership.class, () -> {
      CpMembership membership = new CpMembership(cp, wanted);
      vertx.setPeriodic(CHECK_MS, id -> membership.check());
      return membership;
    });
  }

  private void check() {
    CPSubsystemManagementService management = cp.subsystem().getCPSubsystemManagementService();
    if (!management.isDiscoveryCompleted() || management.getLocalCPMember() != null || !checking.compareAndSet(false, true)) {
      return;
    }
    cp.call("listing of the CP members", management::getCPMembers).compose(members -> {
      if (members.size() >= wanted) {
        return io.vertx.core.Future.<Boolean>succeededFuture(false);
      }
      LOG.warn("the CP subsystem has {} of {} members (coordination.cpMembers): promoting this node to a CP member",
          members.size(), wanted);
      return cp.call("promotion of this node to a CP member", management::promoteToCPMember).map(v -> true);
    }).onComplete(ar -> {
      checking.set(false);
      if (ar.succeeded() && ar.result()) {
        LOG.warn("this node is now a CP member: {}", management.getLocalCPMember());
      } else if (ar.failed()) {
        LOG.debug("CP membership check failed (tried again in {} ms): {}", CHECK_MS, ar.cause().getMessage());
      }
    });
  }
}
