package dev.storefront.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;

import java.util.List;

/**
 * Who this process is: a name given by the supervisor ({@code -Dstorefront.node.name}, else {@code node-<pid>}),
 * the pid, the host, and, once clustered, the cluster manager's node id.
 */
public final class NodeIdentity {

  public static final String NAME_PROPERTY = "storefront.node.name";
  private static final long PID = ProcessHandle.current().pid();
  private static final long STARTED_AT = System.currentTimeMillis();

  private NodeIdentity() {
  }

  public static String name() {
    return System.getProperty(NAME_PROPERTY, "node-" + PID);
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
