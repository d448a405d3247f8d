package dev.storefront.node;

import dev.storefront.config.Settings;
import dev.storefront.coordination.AdminRoutes;
import dev.storefront.coordination.Coordination;
import dev.storefront.coordination.InventoryRoutes;
import dev.storefront.coordination.RequestStats;
import dev.storefront.coordination.StatsRoutes;
import dev.storefront.dashboard.DashboardRoutes;
import dev.storefront.jobs.JobRoutes;
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

  /** Once per node, before the HTTP verticles: lock holder, stats flusher, word-count workers and job service. */
  static Future<Void> deploy(Vertx vertx, Settings settings) {
    return Coordination.deploy(vertx, settings).compose(v -> JobRoutes.deploy(vertx, settings));
  }

  /** On every HTTP verticle's router. */
  static void mount(Router router, Vertx vertx, Settings settings) {
    StatsRoutes.mount(router, vertx);
    AdminRoutes.mount(router, vertx, settings);
    InventoryRoutes.mount(router, vertx, settings);
    JobRoutes.mount(router, vertx, settings);
    DashboardRoutes.mount(router, vertx, settings);
  }

  /** Counted locally per request; {@code StatsVerticle} flushes the counts to the cluster about once a second. */
  static Runnable requestCounter(Vertx vertx) {
    RequestStats stats = RequestStats.of(vertx);
    return stats::increment;
  }
}
