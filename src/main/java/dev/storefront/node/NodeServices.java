package dev.storefront.node;

import dev.storefront.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * The node-wide capabilities beside the catalog, in one place: what each deploys once per node, the routes each
 * mounts on every HTTP verticle's router, and the per-request hook.
 */
final class NodeServices {

  private NodeServices() {
  }

  static Future<Void> deploy(Vertx vertx, Settings settings) {
    return Future.succeededFuture();
  }

  static void mount(Router router, Vertx vertx, Settings settings) {
  }

  static Runnable requestCounter(Vertx vertx) {
    return () -> { };
  }
}
