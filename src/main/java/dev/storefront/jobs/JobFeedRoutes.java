package dev.storefront.jobs;

import dev.storefront.cluster.NodeLocal;
import dev.storefront.config.Settings;
import dev.storefront.failure.Failure;
import dev.storefront.http.InFlightLimit;
import dev.storefront.http.Params;
import dev.storefront.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a watcher of all jobs needs (the dashboard): {@code GET /jobs?limit=N} (the newest jobs' states),
 * {@code GET /jobs/events} (server-sent events: every job's progress and end, cluster-wide, until the client goes)
 * and {@code GET /jobs/sources} (the files of {@code jobs.dataDir} a job may count, and whether feedback jobs can
 * run). Mounted by {@link JobRoutes#mount} before {@code /jobs/:id}.
 */
final class JobFeedRoutes {

  static final int MAX_LIMIT = 100;
  static final int MAX_SOURCES = 500;
  /** A comment line this often (or at half of http.idleTimeoutSeconds) keeps a quiet stream open and finds clients that left. */
  static final long KEEP_ALIVE_MS = 15_000;

  private JobFeedRoutes() {
  }

  /** The open {@code /jobs/events} streams of one node ({@code storefront_jobs_followers}). */
  static final class Followers {
    final AtomicInteger open = new AtomicInteger();
  }

  static Followers followers(Vertx vertx) {
    return NodeLocal.get(vertx, Followers.class, () -> {
      Followers f = new Followers();
      Metrics.of(vertx).gauge(Metrics.JOBS_FOLLOWERS, f.open::get);
      return f;
    });
  }

  static void mount(Router router, Vertx vertx, Settings settings) {
    router.get("/jobs").handler(Params.query("limit")).handler(ctx -> {
      int limit = Params.queryInt(ctx, "limit", 20, 1, MAX_LIMIT);
      service(vertx).recent(limit)
          .onSuccess(jobs -> ctx.json(new JsonObject().put("jobs", new JsonArray(jobs))))
          .onFailure(ctx::fail);
    });
    // more often than http.idleTimeoutSeconds would close a quiet stream
    long keepAliveMs = Math.max(500, Math.min(KEEP_ALIVE_MS, settings.integer("http.idleTimeoutSeconds") * 1000L / 2));
    router.get("/jobs/events").handler(Params.query()).handler(ctx -> follow(ctx, vertx, keepAliveMs));
    String dataDir = settings.string("jobs.dataDir");
    boolean feedback = !settings.string("db.url").isBlank();
    router.get("/jobs/sources").handler(Params.query()).handler(ctx -> vertx
        .executeBlocking(() -> DataDir.list(dataDir, MAX_SOURCES), false)
        .onSuccess(files -> ctx.json(new JsonObject()
            .put("dataDir", dataDir)
            .put("files", files)
            .put("feedback", feedback)))
        .onFailure(ctx::fail));
  }

  private static JobService service(Vertx vertx) {
    JobService jobs = JobService.of(vertx);
    if (jobs == null) {
      throw Failure.unavailable("the job service is not running on this node", 1);
    }
    return jobs;
  }

  /**
   * Forwards every job event of the cluster as an SSE {@code progress} event, from the moment the stream opens
   * ({@code GET /jobs} gives what came before). A client that reads slower than jobs progress loses intermediate
   * progress events (never a job's end): the write queue never grows without bound. Closing the connection
   * unregisters the consumer and the keep-alive timer; a node that drains ends the stream (the client reconnects).
   */
  private static void follow(RoutingContext ctx, Vertx vertx, long keepAliveMs) {
    service(vertx); // 503 before the stream opens when there is no job service
    InFlightLimit.openStream(ctx); // holds a stream slot, not one of the requests in flight
    HttpServerResponse response = ctx.response();
    response.setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no");
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(JobAddresses.ALL_EVENTS);
    long[] timer = {-1};
    AtomicInteger open = followers(vertx).open;
    open.incrementAndGet();
    boolean[] closed = {false};
    Runnable close = () -> {
      if (!closed[0]) { // close, exception and shutdown may all come
        closed[0] = true;
        open.decrementAndGet();
        consumer.unregister();
        vertx.cancelTimer(timer[0]);
      }
    };
    response.closeHandler(v -> close.run());
    response.exceptionHandler(e -> close.run());
    // a draining node ends the stream at once instead of holding its shutdown for node.drainTimeoutMs
    ctx.request().connection().shutdownHandler(v -> {
      close.run();
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    });
    consumer.handler(m -> {
      JsonObject state = m.body();
      boolean terminal = JobStates.TERMINAL.contains(state.getString("state"));
      if (response.closed() || (!terminal && response.writeQueueFull())) {
        return;
      }
      response.write("event: progress\ndata: " + state.encode() + "\n\n");
    });
    timer[0] = vertx.setPeriodic(keepAliveMs, t -> {
      if (!response.closed()) {
        response.write(": keep-alive\n\n");
      }
    });
    consumer.completion()
        .onSuccess(v -> {
          if (!response.closed()) {
            response.write("retry: 2000\nevent: open\ndata: {}\n\n"); // the client may now read GET /jobs
          }
        })
        .onFailure(e -> {
          close.run();
          ctx.fail(e);
        });
  }
}
