package dev.storefront.coordination;

import dev.storefront.config.Settings;
import dev.storefront.failure.Failure;
import dev.storefront.http.ApiError;
import dev.storefront.http.Params;
import dev.storefront.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Admin endpoints for counters and locks ({@code /counters/{name}}, {@code /locks}, {@code /locks/{name}},
 * {@code /coordination}), served by the node's {@link CounterStore} and {@link LockService} (mount after
 * {@link Coordination#deploy}). Absent when {@code admin.enabled} is false; when {@code admin.token} is set, every request needs
 * {@code Authorization: Bearer <token>}. Bad input is a 400 that changes nothing. Expects the router's
 * BodyHandler and ApiError mapping.
 */
public final class AdminRoutes {

  static final long MAX_TIMEOUT_MS = 60_000;

  private AdminRoutes() {
  }

  public static void mount(Router router, Vertx vertx, Settings settings) {
    if (!settings.bool("admin.enabled")) {
      return;
    }
    String token = settings.string("admin.token");
    if (!token.isEmpty()) {
      byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
      for (String path : new String[] {"/counters/*", "/locks", "/locks/*", "/coordination"}) {
        router.route(path).handler(ctx -> authorize(ctx, expected));
      }
    }
    CounterStore counters = Coordination.counters(vertx);
    LockService locks = Coordination.locks(vertx);

    router.get("/counters/:name").handler(Params.query()).handler(ctx -> respond(ctx, () -> {
      String name = name("counter", ctx);
      return counters.get(name).map(value -> counterJson(name, value));
    }));
    router.post("/counters/:name").handler(Params.query()).handler(ctx -> respond(ctx, () -> updateCounter(ctx, counters, name("counter", ctx))));
    router.get("/coordination").handler(Params.query()).handler(ctx -> respond(ctx, () -> Coordination.describe(vertx)));
    router.get("/locks").handler(Params.query()).handler(ctx -> respond(ctx, () -> locks.list()
        .map(held -> new JsonObject().put("mode", locks.mode()).put("locks", held))));
    router.post("/locks/:name").handler(Params.query()).handler(ctx -> respond(ctx, () -> {
      String name = name("lock", ctx);
      JsonObject body = lockBody(body(ctx, true));
      long timeoutMs = body.containsKey("timeoutMs") ? within(body, "timeoutMs", 0, MAX_TIMEOUT_MS) : 0;
      return (body.containsKey("leaseMs")
          ? locks.acquire(name, timeoutMs, within(body, "leaseMs", 1, locks.leases().maxMs()))
          : locks.acquire(name, timeoutMs)).map(FencedLock::toJson);
    }));
    router.delete("/locks/:name").handler(Params.query("token")).handler(ctx -> respond(ctx, () -> {
      String name = name("lock", ctx);
      long fence = tokenParam(ctx);
      return locks.release(name, fence).map(v -> new JsonObject().put("name", name).put("released", fence));
    }));
  }

  private static Future<JsonObject> updateCounter(RoutingContext ctx, CounterStore counters, String name) {
    JsonObject body = body(ctx, false);
    Set<String> fields = body.fieldNames();
    if (fields.equals(Set.of("delta"))) {
      long delta = integer(body, "delta");
      return counters.addAndGet(name, delta).map(value -> counterJson(name, value));
    }
    if (fields.equals(Set.of("expect", "update"))) {
      long expect = integer(body, "expect");
      long update = integer(body, "update");
      return counters.compareAndSet(name, expect, update).compose(set -> set
          ? Future.succeededFuture(counterJson(name, update))
          : counters.get(name).compose(current -> {
            // 409 with the current value, so the client can retry from it.
            Failure conflict = Failure.conflict("counter " + name + " is " + current + ", not " + expect);
            ctx.response().setStatusCode(409).putHeader("content-type", "application/json")
                .end(ApiError.from(conflict).body().put("value", current).encode());
            return Future.succeededFuture(null);
          }));
    }
    throw Failure.invalid("body must be {\"delta\": n} or {\"expect\": a, \"update\": b}");
  }

  private static JsonObject counterJson(String name, long value) {
    return new JsonObject().put("name", name).put("value", value);
  }

  /**
   * Runs {@code action}, answering its JSON; a thrown or failed {@link Failure} or {@link ApiError} goes to the
   * router's mapping. Timed as {@link Metrics#COORDINATION} with the operation and its outcome.
   */
  private static void respond(RoutingContext ctx, Supplier<Future<JsonObject>> action) {
    String op = operation(ctx);
    long start = System.nanoTime();
    Future<JsonObject> result;
    try {
      result = action.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> Metrics.of(ctx.vertx()).record(Metrics.COORDINATION, System.nanoTime() - start, "op", op,
        // no JSON: a compare-and-set that found another value answered its 409 itself
        "outcome", ar.failed() ? Metrics.outcome(ar.cause()) : ar.result() == null ? "conflict" : "ok"));
    result.onSuccess(json -> {
      if (json != null && !ctx.response().ended()) {
        ctx.json(json);
      }
    }).onFailure(ctx::fail);
  }

  /** counter.get, counter.update, lock.list, lock.acquire or lock.release, from the route that runs it. */
  private static String operation(RoutingContext ctx) {
    String path = ctx.currentRoute().getPath();
    String method = ctx.request().method().name();
    if (path.startsWith("/counters")) {
      return method.equals("GET") ? "counter.get" : "counter.update";
    }
    if (path.equals("/locks")) {
      return "lock.list";
    }
    return method.equals("DELETE") ? "lock.release" : "lock.acquire";
  }

  private static String name(String kind, RoutingContext ctx) {
    return CoordinationNames.require(kind, ctx.pathParam("name"));
  }

  private static void authorize(RoutingContext ctx, byte[] expected) {
    String header = ctx.request().getHeader("Authorization");
    byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
    if (MessageDigest.isEqual(given, expected)) {
      ctx.next();
    } else {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      ctx.fail(ApiError.unauthorized("admin endpoints need Authorization: Bearer <admin.token>"));
    }
  }

  private static JsonObject body(RoutingContext ctx, boolean optional) {
    JsonObject body = Params.jsonBody(ctx, "body is not a JSON object");
    if (body == null) {
      if (optional) {
        return new JsonObject();
      }
      throw Failure.invalid("a JSON object body is required");
    }
    return body;
  }

  private static long integer(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (!(v instanceof Integer || v instanceof Long)) {
      throw Failure.invalid(field + " must be an integer (64-bit), got " + v);
    }
    return ((Number) v).longValue();
  }

  private static JsonObject lockBody(JsonObject body) {
    if (!Set.of("timeoutMs", "leaseMs").containsAll(body.fieldNames())) {
      throw Failure.invalid("body must be {\"timeoutMs\": t, \"leaseMs\": l} (both optional)");
    }
    return body;
  }

  private static long within(JsonObject body, String field, long min, long max) {
    long v = integer(body, field);
    if (v < min || v > max) {
      throw Failure.invalid(field + " must be between " + min + " and " + max + ", got " + v);
    }
    return v;
  }

  private static long tokenParam(RoutingContext ctx) {
    String text = ctx.request().getParam("token");
    try {
      long token = Long.parseLong(text == null ? "" : text);
      if (token > 0) {
        return token;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw Failure.invalid("query parameter token must be a positive integer, got '" + (text == null ? "" : text) + "'");
  }
}
