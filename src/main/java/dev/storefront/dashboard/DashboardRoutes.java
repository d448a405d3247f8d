package dev.storefront.dashboard;

import dev.storefront.config.Settings;
import dev.storefront.http.Params;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

import java.nio.file.Path;

/**
 * The live dashboard: {@code GET /} and {@code GET /dashboard/*}, static files of the jar's {@code webroot} (the page,
 * its script and style, vendored uPlot), which read the API ({@code /cluster}, {@code /stats}, {@code /jobs},
 * {@code /jobs/events}, {@code /jobs/sources}); and the reports of {@code bench} runs, {@code GET /bench/reports}
 * (the list) and {@code GET /bench/reports/<path>} (one file of {@code dashboard.benchDir}).
 */
public final class DashboardRoutes {

  static final String WEBROOT = "webroot";
  /** The page may only load its own files and talk to its own origin. */
  static final String PAGE_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
      + "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";
  /** A report runs sandboxed (its own scripts, no access to the API's origin). */
  static final String REPORT_POLICY = "sandbox allow-scripts; default-src 'self' 'unsafe-inline' data:; frame-ancestors 'self'";

  private DashboardRoutes() {
  }

  public static void mount(Router router, Vertx vertx, Settings settings) {
    StaticHandler files = StaticHandler.create(WEBROOT)
        .setIndexPage("index.html")
        .setDirectoryListing(false)
        .setDefaultContentEncoding("UTF-8")
        .setMaxAgeSeconds(60);
    router.get("/").handler(Params.query()).handler(ctx -> {
      ctx.response().putHeader("content-security-policy", PAGE_POLICY);
      files.handle(ctx);
    });
    router.get("/dashboard/*").handler(ctx -> {
      ctx.response().putHeader("content-security-policy", PAGE_POLICY);
      files.handle(ctx);
    });

    BenchReports reports = new BenchReports(settings.string("dashboard.benchDir"));
    router.get("/bench/reports").handler(Params.query()).handler(ctx -> vertx
        .executeBlocking(reports::list, false)
        .onSuccess(ctx::json)
        .onFailure(ctx::fail));
    router.get("/bench/reports/*").handler(Params.query()).handler(ctx -> {
      String requested = ctx.pathParam("*");
      vertx.executeBlocking(() -> reports.resolve(requested), false)
          .onSuccess((Path file) -> ctx.response()
              .putHeader("content-type", BenchReports.type(file.getFileName().toString()))
              .putHeader("content-security-policy", REPORT_POLICY)
              .putHeader("x-content-type-options", "nosniff")
              .putHeader("cache-control", "no-cache")
              .sendFile(file.toString())
              .onFailure(ctx::fail))
          .onFailure(ctx::fail);
    });
  }
}
