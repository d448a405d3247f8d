package dev.storefront.jobs;

import dev.storefront.config.Settings;
import dev.storefront.http.ErrorHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Test helpers: blocking waits with a deadline, an HTTP server with the job routes, generated files. */
final class JobsTesting {

  private JobsTesting() {
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  /** The job service on {@code vertx} and an HTTP server (router as the lead's: body limit, error mapping) on a free port. */
  static int serve(Vertx vertx, Settings settings) {
    await(JobRoutes.deploy(vertx, settings));
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(settings.integer("http.maxBodyBytes")));
    JobRoutes.mount(router, vertx, settings);
    ErrorHandler.install(router);
    return await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")).actualPort();
  }

  static Path generate(Path file, long lines, long seed) {
    try (OutputStream out = Files.newOutputStream(file)) {
      NgramGenerator.write(lines, seed, out);
      return file;
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }
}
