package dev.storefront.http;

import dev.storefront.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (and {@code readiness} succeeds within
 * 2 s; for a node, that PostgreSQL answers).
 */
public final class HealthRoutes {

  private HealthRoutes() {
  }

  /**
   * @param readiness checks the dependencies; its failure (or no answer within 2 s) makes {@code /health/ready} a 503
   * @param dependency what {@code readiness} checks, named in the 503's message and in the body as a field
   */
  public static void mount(Router router, String dependency, Supplier<Future<?>> readiness) {
    router.get("/health/live").handler(Params.query()).handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(Params.query()).handler(ctx -> readiness.get()
        .timeout(2, TimeUnit.SECONDS)
        .onSuccess(v -> ctx.json(new JsonObject().put("status", "UP").put(dependency, "UP")))
        .onFailure(err -> ErrorHandler.send(ctx, ApiError.from(
            Failure.unavailable("not ready: the " + dependency + " does not answer", 1)))));
  }
}
