package dev.storefront.node;

import dev.storefront.catalog.CatalogSql;
import dev.storefront.cluster.NodeIdentity;
import dev.storefront.config.Settings;
import dev.storefront.config.SettingsException;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.failure.Failure;
import dev.storefront.http.ApiError;
import dev.storefront.http.ErrorHandler;
import dev.storefront.http.HealthRoutes;
import dev.storefront.metrics.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.net.BindException;
import java.util.function.BooleanSupplier;

/**
 * One per node: the node's own management port, for questions about this node rather than whichever node the
 * shared port picks. {@code GET /metrics} (Prometheus text, absent when {@code metrics.enabled} is false),
 * {@code /health/live} and {@code /health/ready} (ready while the node serves the shared port and PostgreSQL
 * answers it, over a one-connection pool of its own). Port: {@code management.port} plus the node's index
 * ({@code node-1} of serve: +1), or any free port when {@code management.port} is 0.
 */
public final class ManagementVerticle extends VerticleBase {

  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private static final String READY = "/health/ready";

  private final BooleanSupplier serving;
  private Pool pool;
  private HttpServer server;

  /** @param serving whether the node serves the shared HTTP port now (false while starting and draining) */
  public ManagementVerticle(BooleanSupplier serving) {
    this.serving = serving;
  }

  /** The port the settings ask for: {@code management.port} + the node's index, or 0 (any free port). */
  static int port(Settings settings, int index) {
    int base = settings.integer("management.port");
    if (base == 0) {
      return 0;
    }
    int port = base + index;
    if (port > 65535) {
      throw new SettingsException("management.port", "base " + base + " + node index " + index + " is above 65535");
    }
    return port;
  }

  @Override
  public Future<?> start() {
    Settings settings = Settings.fromJson(config());
    String host = settings.string("management.host");
    int index = NodeIdentity.index();
    int port = port(settings, index);
    pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(1).setName("storefront-management"))
        .connectingTo(DatabaseUrl.parse(settings.string("db.url")).connectOptions())
        .using(vertx)
        .build();
    Router router = Router.router(vertx);
    MeterRegistry registry = Metrics.of(vertx).registry();
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      // scraped off the event loop: a scrape formats every meter, which must not delay this loop's API requests
      router.get("/metrics").handler(ctx -> vertx.executeBlocking(prometheus::scrape, false)
          .onSuccess(text -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).end(text))
          .onFailure(ctx::fail));
    }
    // a route without a path: it adds no name to the route label of /health/ready's metrics
    router.route().handler(ctx -> {
      if (serving.getAsBoolean() || !READY.equals(ctx.request().path())) {
        ctx.next();
      } else {
        ErrorHandler.send(ctx, ApiError.from(Failure.unavailable(
            "not ready: " + NodeIdentity.name() + " is starting or draining", 1)));
      }
    });
    HealthRoutes.mount(router, "database", () -> pool.query(CatalogSql.PING).execute());
    ErrorHandler.install(router);
    server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)).requestHandler(router);
    return server.listen().recover(err -> Future.failedFuture(err instanceof BindException || isBindFailure(err)
        ? new SettingsException("management.port", "cannot listen on " + host + ":" + port
            + (port == 0 ? "" : " (base " + settings.integer("management.port") + " + node index " + index + ")")
            + ": " + err.getMessage() + "; another node or program holds it: choose another base port, "
            + "or 0 for any free one")
        : err));
  }

  static boolean isBindFailure(Throwable err) {
    String message = String.valueOf(err.getMessage());
    return message.contains("Address already in use") || message.contains("bind(..) failed");
  }

  /** The port the server listens on (the one picked when {@code management.port} is 0); -1 before start. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
