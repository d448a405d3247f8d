package dev.storefront.jobs;

import dev.storefront.cluster.NodeLocal;
import dev.storefront.config.Settings;
import dev.storefront.failure.Failure;
import dev.storefront.http.EventStream;
import dev.storefront.http.Params;
import dev.storefront.metrics.Metrics;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
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
    EventStream stream = EventStream.open(ctx);
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(JobAddresses.ALL_EVENTS);
    AtomicInteger open = followers(vertx).open;
    open.incrementAndGet();
    long timer = vertx.setPeriodic(keepAliveMs, t -> stream.write(": keep-alive\n\n"));
    stream.onClose(() -> {
      open.decrementAndGet();
      consumer.unregister();
      vertx.cancelTimer(timer);
    });
    consumer.handler(m -> {
      JsonObject state = m.body();
      if (JobStates.TERMINAL.contains(state.getString("state")) || !stream.lagging()) {
        stream.event("progress", state);
      }
    });
    consumer.completion()
        .onSuccess(v -> stream.write("retry: 2000\nevent: open\ndata: {}\n\n")) // the client may now read GET /jobs
        .onFailure(e -> {
          stream.end();
          ctx.fail(e);
        });
  }
}
