package dev.storefront.coordination;

import dev.storefront.config.Settings;
import dev.storefront.cluster.NodeIdentity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** What a node deploys for coordination: the lock holder's release endpoint and the stats flusher. */
public final class Coordination {

  private Coordination() {
  }

  /** Deploys one {@link LockHolderVerticle} and one {@link StatsVerticle}; works on a Vert.x clustered or not. */
  public static Future<Void> deploy(Vertx vertx, Settings settings) {
    return deploy(vertx, settings, NodeIdentity.name());
  }

  static Future<Void> deploy(Vertx vertx, Settings settings, String nodeName) {
    return vertx.deployVerticle(new LockHolderVerticle())
        .compose(id -> vertx.deployVerticle(new StatsVerticle(nodeName, settings.longValue("stats.flushIntervalMs"))))
        .mapEmpty();
  }
}
