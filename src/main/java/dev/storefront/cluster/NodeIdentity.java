package dev.storefront.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;

import java.util.List;

/**
 * Who this process is: a name given by the supervisor ({@code -Dstorefront.node.name}, else {@code node-<pid>}),
 * its index among the supervisor's nodes ({@code -Dstorefront.node.index}), the pid, the host, and, once
 * clustered, the cluster manager's node id.
 */
public final class NodeIdentity {

  public static final String NAME_PROPERTY = "storefront.node.name";
  /** The supervisor numbers its nodes from 1 ({@code node-1} has index 1); a node started by hand has index 0. */
  public static final String INDEX_PROPERTY = "storefront.node.index";
  private static final long PID = ProcessHandle.current().pid();
  private static final long STARTED_AT = System.currentTimeMillis();

  private NodeIdentity() {
  }

  public static String name() {
    return System.getProperty(NAME_PROPERTY, "node-" + PID);
  }

  /** This node's number among its supervisor's nodes (1 for {@code node-1}), or 0 for a node started by hand. */
  public static int index() {
    return Integer.getInteger(INDEX_PROPERTY, 0);
  }

  public static long pid() {
    return PID;
  }

  public static long startedAtMillis() {
    return STARTED_AT;
  }

  /** The cluster manager's id of this node, or the name when {@code vertx} is not clustered. */
  public static String clusterNodeId(Vertx vertx) {
    VertxInternal internal = (VertxInternal) vertx;
    return internal.isClustered() ? internal.clusterManager().getNodeId() : name();
  }

  /** The cluster manager's ids of the live members (this node's id alone when {@code vertx} is not clustered). */
  public static List<String> liveNodeIds(Vertx vertx) {
    VertxInternal internal = (VertxInternal) vertx;
    return internal.isClustered() ? internal.clusterManager().getNodes() : List.of(clusterNodeId(vertx));
  }

  /** The value of the {@code X-Storefront-Node} header: name and pid. */
  public static String header() {
    return name() + " (pid " + PID + ")";
  }
}
