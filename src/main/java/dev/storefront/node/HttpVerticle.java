package dev.storefront.node;

import dev.storefront.catalog.CatalogRoutes;
import dev.storefront.catalog.ProductRepository;
import dev.storefront.config.Settings;
import dev.storefront.config.SettingsException;
import dev.storefront.http.AccessLog;
import dev.storefront.http.ApiContract;
import dev.storefront.http.ErrorHandler;
import dev.storefront.http.HealthRoutes;
import dev.storefront.http.InFlightLimit;
import dev.storefront.http.RequestDeadlines;
import dev.storefront.http.RequestGate;
import dev.storefront.http.VertxInternals;
import dev.storefront.cluster.NodeIdentity;
import dev.storefront.cluster.NodeLocal;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;

import java.net.BindException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One per event loop: the HTTP server (port shared by every instance and every node process through
 * SO_REUSEPORT), the router, and this event loop's own pipelined PostgreSQL connections. {@code GET /products/{id}} in
 * canonical form skips the router ({@link CatalogRoutes#serveProduct}): in a profile, the router, the request gate's two
 * query decoders and the chain of per-request handlers were part of what Storefront spent beyond a router-free server. Node-wide routes
 * (cluster, stats, admin, jobs) are mounted by the {@code extraRoutes} the node passes in.
 */
public final class HttpVerticle extends VerticleBase {

  private static final String STATS_PATH = "/stats";
  /**
   * Operations served without contract validation: {@code GET /products/{id}}, the hot route, whose one parameter its
   * route checks by the same rule (Params.pathId); validating it cost about 0.8x the throughput (README, Monitoring).
   */
  static final Set<String> UNCHECKED = Set.of("getProduct");
  public static final CharSequence NODE_HEADER = HttpHeaders.createOptimized("X-Storefront-Node");

  private final BiConsumer<Router, Settings> extraRoutes;
  private final Runnable onRequest;
  private ProductRepository repository;
  private CatalogRoutes catalog;
  private HttpServer server;
  private Router router;
  private final CharSequence node = HttpHeaders.createOptimized(NodeIdentity.header());
  private long drainMs;

  public HttpVerticle(BiConsumer<Router, Settings> extraRoutes, Runnable onRequest) {
    this.extraRoutes = extraRoutes;
    this.onRequest = onRequest;
  }

  @Override
  public Future<?> start() {
    Settings settings = Settings.fromJson(config());
    drainMs = settings.integer("node.drainTimeoutMs");
    repository = new ProductRepository(vertx, settings);
    int maxInFlight = settings.integer("http.maxInFlight");
    int maxStreams = settings.integer("http.maxStreams");
    InFlightLimit limit = NodeLocal.get(vertx, InFlightLimit.class, () -> new InFlightLimit(maxInFlight, maxStreams)); // one per node
    return ApiContract.load(vertx).compose(contract -> {
      router = router(settings, limit, contract);
      return listen(settings, limit);
    });
  }

  private Future<?> listen(Settings settings, InFlightLimit limit) {
    CatalogRoutes catalog = this.catalog;
    boolean fastProducts = !settings.bool("http.accessLog"); // the access log is a router handler: log every request
    int maxLine = settings.integer("http.maxRequestLineBytes");
    int maxHeaders = settings.integer("http.maxHeaderBytes");
    Handler<HttpServerRequest> invalid = ErrorHandler.invalidRequest(maxLine, maxHeaders);
    Handler<HttpServerRequest> admitted = request -> {
      if (request.version() == null) { // a request line naming HTTP/9.9, HTTP/2.0, ...
        ErrorHandler.unsupportedVersion(request);
      } else if (fastProducts && catalog.serveProduct(vertx, request)) {
        onRequest.run(); // GET /products/{id} in canonical form, served without the router: counted here
      } else {
        router.handle(request);
      }
    };
    Handler<HttpServerRequest> requests = request -> {
      request.response().putHeader(NODE_HEADER, node); // here, so the router's own refusals carry it too
      limit.handle(vertx, request, admitted); // past http.maxInFlight on this node: 503 at once
    };
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(settings.string("http.host"))
        .setPort(settings.integer("http.port"))
        .setReusePort(true)
        .setTcpNoDelay(true)
        .setIdleTimeout(settings.integer("http.idleTimeoutSeconds"))
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setMaxInitialLineLength(maxLine)
        .setMaxHeaderSize(maxHeaders)
        // HTTP/1.1 only, as the API is documented and tested: an Upgrade: h2c header is ignored
        .setHttp2ClearTextEnabled(false))
        .requestHandler(requests)
        // what Vert.x cannot decode (request line, headers, their lengths) gets the JSON body too
        .invalidRequestHandler(request -> {
          request.response().putHeader(NODE_HEADER, node);
          invalid.handle(request);
        })
        // else Vert.x answers an unknown HTTP version with a bare 501 before calling requestHandler; and the deadline
        // for request heads (Vert.x's idle timeout restarts with every byte)
        .connectionHandler(connection -> {
          long idleMs = TimeUnit.SECONDS.toMillis(settings.integer("http.idleTimeoutSeconds"));
          RequestDeadlines.Head deadline = RequestDeadlines.head(vertx, connection, settings.integer("http.requestHeadTimeoutMs"),
              idleMs, requests);
          if (VertxInternals.serveAllVersions(connection, deadline)) {
            deadline.arm(); // a client trickling its request head is cut off
          }
        });
    String host = settings.string("http.host");
    int port = settings.integer("http.port");
    return repository.start().compose(v -> server.listen()).recover(err -> Future.failedFuture(
        err instanceof BindException || ManagementVerticle.isBindFailure(err)
            ? new SettingsException("http.port", "cannot listen on " + host + ":" + port + ": " + err.getMessage()
                + "; a program that is not Storefront holds it: stop it or choose another port (--port)")
            : err));
  }

  private Router router(Settings settings, InFlightLimit limit, ApiContract contract) {
    Router router = Router.router(vertx);
    RequestGate gate = new RequestGate(settings.integer("http.maxBodyBytes"), settings.integer("http.requestBodyTimeoutMs"));
    AccessLog access = settings.bool("http.accessLog") ? new AccessLog(contract, NodeIdentity.name()) : null;
    router.route().handler(ctx -> {
      if (access != null) {
        access.track(ctx);
      }
      if (!STATS_PATH.equals(ctx.request().path())) {
        onRequest.run(); // reading the statistics does not count as traffic
      }
      limit.track(ctx);
      gate.handle(ctx); // URI checks; a body only when it is JSON (GET and HEAD skip the body handler)
    });
    router.route().handler(RequestGate::checkBody);
    if (settings.bool("http.validateRequests")) {
      router.route().handler(contract.validation(vertx, UNCHECKED));
    }
    contract.mount(router);
    catalog = CatalogRoutes.mount(router, repository);
    HealthRoutes.mount(router, "database", repository::ping);
    extraRoutes.accept(router, settings);
    ErrorHandler.install(router);
    return router;
  }

  /** This verticle's router, once started (tests compare its routes with the contract's). */
  Router router() {
    return router;
  }

  @Override
  public Future<?> stop() {
    Future<Void> shut = server == null ? Future.succeededFuture() : server.shutdown(drainMs, TimeUnit.MILLISECONDS);
    return shut.eventually(() -> repository.close());
  }
}
