package dev.storefront.node;

import dev.storefront.cluster.NodeIdentity;
import dev.storefront.cluster.Cluster;
import dev.storefront.cluster.Members;
import dev.storefront.config.Settings;
import dev.storefront.config.SettingsException;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.metrics.Metrics;
import dev.storefront.metrics.MetricsSetup;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One node: a Vert.x instance (clustered through Hazelcast, or alone; with metrics when {@code metrics.enabled})
 * with its verticles deployed in order: node services (stats, job workers), the management server (the node's
 * own port: /metrics and its health), then the HTTP verticles (one per event loop), then the member card.
 * {@link #drain()} reverses it: stop accepting and finish in-flight requests, withdraw, leave the cluster.
 */
public final class Node {

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  private final Settings settings;
  private final boolean clustered;
  private final int eventLoops;
  private Vertx vertx;
  private String httpDeployment;
  private ManagementVerticle management;
  private final List<HttpVerticle> httpVerticles = new CopyOnWriteArrayList<>();
  private volatile boolean serving;
  private boolean drained;

  public Node(Settings settings, boolean clustered) {
    this.settings = settings;
    this.clustered = clustered;
    int configured = settings.integer("node.eventLoops");
    this.eventLoops = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    if (settings.string("db.url").isBlank()) {
      throw new SettingsException("db.url", "a node needs a database URL (serve starts an embedded PostgreSQL and "
          + "hands its URL to its nodes; a node started by hand needs STOREFRONT_DB_URL or --set db.url=...)");
    }
    DatabaseUrl.parse(settings.string("db.url"));
  }

  public Future<Node> start() {
    Future<Vertx> built;
    if (clustered) {
      built = Cluster.start(settings, eventLoops);
    } else {
      MetricsSetup metrics = MetricsSetup.of(settings, NodeIdentity.name());
      built = Future.succeededFuture(metrics.attach(metrics.builder(
          new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(eventLoops)).build()));
    }
    return built.compose(v -> {
      vertx = v;
      LOG.info("transport: {}, metrics {}", transport(), vertx.isMetricsEnabled() ? "on" : "off");
      registerNodeMeters();
      return NodeServices.deploy(vertx, settings);
    }).compose(v -> {
      management = new ManagementVerticle(() -> serving);
      return vertx.deployVerticle(management, new DeploymentOptions().setConfig(settings.toJson()));
    }).compose(v -> vertx.deployVerticle(() -> {
      HttpVerticle verticle = new HttpVerticle(this::mountNodeRoutes, NodeServices.requestCounter(vertx));
      httpVerticles.add(verticle);
      return verticle;
    }, new DeploymentOptions().setInstances(eventLoops).setConfig(settings.toJson())))
        .compose(id -> {
          httpDeployment = id;
          serving = true;
          return Members.publish(vertx, card());
        })
        .onSuccess(v -> logMembers())
        .map(v -> this)
        .recover(err -> {
          Future<Void> closed = vertx == null ? Future.succeededFuture() : vertx.close();
          return closed.transform(ignored -> Future.failedFuture(err));
        });
  }

  /**
   * Names the members this node found in its cluster, so that joining the wrong one shows: a second {@code serve}
   * on the machine with the default {@code cluster.name} joins the first one's cluster (and, through SO_REUSEPORT,
   * shares its HTTP port) without any error.
   */
  private void logMembers() {
    if (!clustered) {
      return;
    }
    Members.list(vertx).onSuccess(cards -> {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < cards.size(); i++) {
        JsonObject c = cards.getJsonObject(i);
        names.add(c.getString("name") + (c.containsKey("pid")
            ? " (pid " + c.getLong("pid") + ", " + c.getString("host") + ":" + c.getInteger("httpPort") + ")" : ""));
      }
      LOG.info("cluster '{}' has {} member(s): {}", settings.string("cluster.name"), cards.size(), String.join(", ", names));
    }).onFailure(err -> LOG.warn("could not list the cluster's members: {}", err.getMessage()));
  }

  /** The node's own meters beside what Vert.x measures: cluster members and whether it serves. */
  private void registerNodeMeters() {
    Vertx v = vertx;
    Metrics metrics = Metrics.of(v);
    metrics.gauge(Metrics.CLUSTER_MEMBERS, () -> NodeIdentity.liveNodeIds(v).size());
    metrics.gauge(Metrics.NODE_SERVING, () -> serving ? 1 : 0);
  }

  private void mountNodeRoutes(Router router, Settings s) {
    ClusterRoutes.mount(router, vertx);
    NodeServices.mount(router, vertx, s);
  }

  /** The card this node publishes in {@link Members#MAP}. */
  public JsonObject card() {
    return new JsonObject()
        .put("nodeId", NodeIdentity.clusterNodeId(vertx))
        .put("name", NodeIdentity.name())
        .put("pid", NodeIdentity.pid())
        .put("host", settings.string("http.host"))
        .put("clusterHost", settings.string("cluster.host"))
        .put("httpPort", settings.integer("http.port"))
        .put("managementUrl", managementUrl())
        .put("eventLoops", eventLoops)
        .put("transport", transport())
        .put("startedAt", NodeIdentity.startedAtMillis());
  }

  /**
   * Where this node's own /metrics and /health/* answer, e.g. {@code http://127.0.0.1:9101}: the management host
   * (the cluster interface when that host is a wildcard address) and the port it listens on.
   */
  public String managementUrl() {
    if (management == null || management.actualPort() < 0) {
      return null;
    }
    String host = settings.string("management.host");
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.isBlank()) {
      host = settings.string("cluster.host");
    }
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + management.actualPort();
  }

  public String transport() {
    return vertx.isNativeTransportEnabled() ? "epoll" : "nio";
  }

  /** The router of one of this node's HTTP verticles (they are all built alike), once started. */
  Router httpRouter() {
    return httpVerticles.get(0).router();
  }

  public Vertx vertx() {
    return vertx;
  }

  public int eventLoops() {
    return eventLoops;
  }

  /**
   * Stop accepting, finish in-flight requests (up to node.drainTimeoutMs), withdraw, leave the cluster.
   * Blocking: call it from a plain thread (a shutdown hook, the supervisor watcher), never from an event loop.
   * Idempotent: later callers wait for the first drain.
   */
  public void drain() {
    synchronized (this) {
      if (drained) {
        return;
      }
      drained = true;
    }
    if (vertx == null) {
      return;
    }
    LOG.info("draining");
    serving = false;
    long limit = settings.integer("node.drainTimeoutMs") + 5_000L;
    try {
      Future<Void> undeployHttp = httpDeployment == null ? Future.succeededFuture() : vertx.undeploy(httpDeployment);
      undeployHttp.eventually(() -> Members.withdraw(vertx))
          .toCompletionStage().toCompletableFuture().get(limit, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("drain did not complete cleanly: {}", e.toString());
    }
    try {
      // called from a plain thread, so completion is not dispatched to an event loop that close() terminates
      vertx.close().toCompletionStage().toCompletableFuture().get(limit, TimeUnit.MILLISECONDS);
      LOG.info("drained and left the cluster");
    } catch (Exception e) {
      LOG.warn("close did not complete cleanly: {}", e.toString());
    }
  }
}
