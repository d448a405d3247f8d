package dev.storefront.jobs;

import dev.storefront.config.Settings;
import dev.storefront.testing.TestHttp;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.storefront.testing.Await.await;

/** The job tests' own set-up: a node's job service with its routes, and generated n-gram files. */
final class JobsTesting {

  private JobsTesting() {
  }

  /** The job service on {@code vertx} and its routes, served as a node serves them ({@link TestHttp#serve}); returns the port. */
  static int serve(Vertx vertx, Settings settings) {
    await(JobRoutes.deploy(vertx, settings));
    return await(TestHttp.serve(vertx, settings, r -> JobRoutes.mount(r, vertx, settings)));
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
