package dev.storefront.jobs;

import dev.storefront.config.Settings;
import dev.storefront.failure.Failure;
import dev.storefront.http.EventStream;
import dev.storefront.http.Params;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.file.Path;
import java.util.List;

/**
 * The jobs API: {@code POST /jobs} (202 + id + Location), {@code GET /jobs/{id}}, {@code GET /jobs/{id}/result?word=W&top=N},
 * {@code GET /jobs/{id}/events} (server-sent events until the job ends) and {@code DELETE /jobs/{id}}. Any node
 * answers about any job. {@link #deploy} starts a node's job service and workers; {@link #mount} may be called once per
 * HTTP verticle: the routes find the node's service through the Vert.x instance.
 */
public final class JobRoutes {

  static final int MAX_TOP = 10_000;
  static final int MAX_WORDS = 1_000;
  private static final long SSE_REFRESH_MS = 2_000;

  private JobRoutes() {
  }

  /** Deploys the node's job service and its {@code jobs.workersPerNode} workers. */
  public static Future<Void> deploy(Vertx vertx, Settings settings) {
    return JobService.deploy(vertx, settings);
  }

  public static void mount(Router router, Vertx vertx, Settings settings) {
    JobFeedRoutes.mount(router, vertx, settings); // first: /jobs/events and /jobs/sources are not /jobs/:id
    router.post("/jobs").handler(Params.query()).handler(ctx -> submit(ctx, vertx, settings));
    router.get("/jobs/:id").handler(Params.query()).handler(ctx -> respond(ctx, service(vertx).status(jobId(ctx))));
    router.get("/jobs/:id/result").handler(Params.query("word*", "top")).handler(ctx -> {
      List<String> words = ctx.queryParam("word");
      if (words.size() > MAX_WORDS) {
        throw Failure.invalid("at most " + MAX_WORDS + " word parameters");
      }
      int top = Params.queryInt(ctx, "top", 10, 0, MAX_TOP);
      respond(ctx, service(vertx).result(jobId(ctx), words, top));
    });
    router.get("/jobs/:id/events").handler(Params.query()).handler(ctx -> events(ctx, vertx));
    router.delete("/jobs/:id").handler(Params.query()).handler(ctx -> {
      JobService jobs = service(vertx);
      long id = jobId(ctx);
      jobs.cancel(id).onSuccess(s -> ctx.response().setStatusCode(202).putHeader("content-type", "application/json")
          .end(s.encode())).onFailure(ctx::fail);
    });
  }

  private static JobService service(Vertx vertx) {
    JobService jobs = JobService.of(vertx);
    if (jobs == null) {
      throw Failure.unavailable("the job service is not running on this node", 1);
    }
    return jobs;
  }

  private static long jobId(RoutingContext ctx) {
    return Params.positiveId(ctx.pathParam("id"), "job id");
  }

  private static void respond(RoutingContext ctx, Future<JsonObject> answer) {
    answer.onSuccess(ctx::json).onFailure(ctx::fail);
  }

  private static void submit(RoutingContext ctx, Vertx vertx, Settings settings) {
    JobService jobs = service(vertx);
    JsonObject body = Params.jsonBody(ctx, "the request body is not valid JSON");
    if (body == null) {
      throw Failure.invalid("a JSON body {\"source\": {...}} is required");
    }
    Object rawSource = body.getValue("source");
    if (!(rawSource instanceof JsonObject)) {
      throw Failure.invalid("source must be an object: {\"type\": \"ngrams\", \"path\": ...} or {\"type\": \"feedback\"}");
    }
    JsonObject source = (JsonObject) rawSource;
    Object type = source.getValue("type");
    Future<JobSpec> spec;
    if ("ngrams".equals(type)) {
      Object path = source.getValue("path");
      if (!(path instanceof String)) {
        throw Failure.invalid("source.path must be a string");
      }
      long partitionBytes = size(body, "partitionBytes", settings.longValue("jobs.partitionBytes"));
      String dataDir = settings.string("jobs.dataDir");
      spec = vertx.executeBlocking(() -> {
        Path file = DataDir.resolve(dataDir, (String) path);
        return JobSpec.file(file, partitionBytes);
      }, false);
    } else if ("feedback".equals(type)) {
      Object product = source.getValue("productId");
      Integer productId = null;
      if (product != null) {
        productId = Params.positiveId(String.valueOf(product), "source.productId");
      }
      if (settings.string("db.url").isBlank()) {
        throw Failure.unavailable("feedback jobs need a database and this node has no db.url", 5);
      }
      spec = Future.succeededFuture(JobSpec.feedback(productId, size(body, "partitionRows", settings.integer("jobs.partitionRows"))));
    } else {
      throw Failure.invalid("source.type must be \"ngrams\" or \"feedback\", got " + (type == null ? "nothing" : "'" + type + "'"));
    }
    spec.compose(jobs::submit).onSuccess(id -> ctx.response()
        .setStatusCode(202)
        .putHeader("location", "/jobs/" + id)
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("id", id).put("state", "pending").encode()))
        .onFailure(ctx::fail);
  }

  private static long size(JsonObject body, String name, long def) {
    Object v = body.getValue(name);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 0) {
      throw Failure.invalid(name + " must be a non-negative integer (0 = automatic), got " + v);
    }
    return ((Number) v).longValue();
  }

  /** Server-sent events: the current state, then one event per partition done, ending at the terminal state. */
  private static void events(RoutingContext ctx, Vertx vertx) {
    JobService jobs = service(vertx);
    long id = jobId(ctx);
    jobs.status(id).map(first -> {
      EventStream stream = EventStream.open(ctx); // after the lookup, so that an unknown job is a JSON 404
      MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(JobAddresses.EVENTS_PREFIX + id);
      long[] lastDone = {-1};
      io.vertx.core.Handler<JsonObject> send = state -> {
        boolean terminal = JobStates.TERMINAL.contains(state.getString("state"));
        long done = state.getLong("done", 0L);
        if (!stream.isOpen() || (!terminal && done < lastDone[0])) {
          return; // events and state reads may cross: never show progress going back
        }
        lastDone[0] = done;
        stream.event("progress", state);
        if (terminal) {
          stream.end();
        }
      };
      consumer.handler(m -> send.handle(m.body()));
      // a periodic re-read covers a coordinator that died without a final event
      long timer = vertx.setPeriodic(SSE_REFRESH_MS, t -> jobs.status(id).onSuccess(s -> {
        if (JobStates.TERMINAL.contains(s.getString("state"))) {
          send.handle(s);
        }
      }));
      stream.onClose(() -> {
        consumer.unregister();
        vertx.cancelTimer(timer);
      });
      consumer.completion().compose(v -> jobs.status(id)).onSuccess(send).onFailure(e -> stream.end());
      return stream;
    }).onFailure(ctx::fail);
  }
}
