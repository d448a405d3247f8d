package dev.storefront.http;

import dev.storefront.catalog.ProductRepository;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code /health/live} (the process answers) and {@code /health/ready} (and PostgreSQL answers, within 2 s). */
public final class HealthRoutes {

  private HealthRoutes() {
  }

  public static void mount(Router router, ProductRepository repository) {
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(ctx -> repository.ping()
        .timeout(2, java.util.concurrent.TimeUnit.SECONDS)
        .onSuccess(v -> ctx.json(new JsonObject().put("status", "UP").put("database", "UP")))
        .onFailure(err -> ErrorHandler.send(ctx,
            ApiError.unavailable("not ready: the product database does not answer", 1))));
  }
}
