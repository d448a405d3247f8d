package dev.storefront.catalog;

import dev.storefront.failure.Failure;
import dev.storefront.http.ErrorHandler;
import dev.storefront.http.Params;
import dev.storefront.http.RequestGate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;

/**
 * {@code /products}, {@code /products/{id}}, {@code /brands}, {@code /brands/{id}}. {@code GET /products/{id}}, the
 * hottest route, is also served {@link #serveProduct without the router} when the request is in canonical form; both
 * ways run {@link #productBody}, so they answer alike.
 */
public final class CatalogRoutes {

  /** The route pattern of GET /products/{id}, as the metrics label it. */
  public static final String PRODUCT_ROUTE = "/products/:id";
  private static final String PRODUCT_PREFIX = "/products/";
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  private final ProductRepository repository;

  private CatalogRoutes(ProductRepository repository) {
    this.repository = repository;
  }

  /** Mounts the catalog's routes; the instance returned serves {@link #serveProduct} too. */
  public static CatalogRoutes mount(Router router, ProductRepository repository) {
    CatalogRoutes routes = new CatalogRoutes(repository);
    router.get(PRODUCT_ROUTE).handler(Params.query()).handler(routes::product);
    router.get("/products").handler(Params.query("brand", "limit", "after")).handler(routes::products);
    router.get("/brands/:id").handler(Params.query()).handler(routes::brand);
    router.get("/brands").handler(Params.query()).handler(routes::brands);
    return routes;
  }

  private void product(RoutingContext ctx) {
    productBody(Params.pathId(ctx, "id")).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  /**
   * Serves {@code GET /products/{id}} without the router when nothing about the request needs it: a
   * {@link RequestGate#plainGet plain GET} whose id is canonical (1..2^31-1, digits without a leading zero). Returns
   * false, touching nothing, for any other request, which the router then answers (the same way, or with the 4xx of
   * whatever is wrong). The request is reported to the metrics under {@link #PRODUCT_ROUTE}, as the router would;
   * failures are answered by {@link ErrorHandler}.
   */
  public boolean serveProduct(Vertx vertx, HttpServerRequest request) {
    String path = request.path();
    if (path == null || !path.startsWith(PRODUCT_PREFIX)) {
      return false;
    }
    int id = canonicalId(path, PRODUCT_PREFIX.length());
    if (id <= 0 || !RequestGate.plainGet(request)) {
      return false;
    }
    request.routed(PRODUCT_ROUTE);
    productBody(id).onComplete(ar -> {
      if (ar.succeeded()) {
        request.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(ar.result());
      } else {
        ErrorHandler.respond(vertx, request, ar.cause());
      }
    });
    return true;
  }

  /** The id written from {@code from} to the end of {@code s} when it is canonical (what Params.positiveId accepts), else -1. */
  static int canonicalId(String s, int from) {
    int len = s.length() - from;
    if (len < 1 || len > 10 || s.charAt(from) == '0') {
      return -1;
    }
    long v = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v > Integer.MAX_VALUE ? -1 : (int) v;
  }

  /** The body of GET /products/{id}: the product with its brand's name and SKUs, or a not-found failure. */
  private Future<Buffer> productBody(int id) {
    return repository.productDetail(id)
        .compose(rows -> rows.size() == 0
            ? Future.<Buffer>failedFuture(Failure.notFound("no product with id " + id))
            : repository.brandName(ProductJson.brandId(rows)).map(brand -> ProductJson.product(rows, brand)));
  }

  private void products(RoutingContext ctx) {
    String brandParam = ctx.request().getParam("brand");
    Integer brand = brandParam == null ? null : Params.positiveId(brandParam, "brand");
    int limit = Params.queryInt(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    String afterParam = ctx.request().getParam("after");
    int after = afterParam == null ? 0 : Params.positiveId(afterParam, "after");
    repository.productsPage(brand, after, limit + 1).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      JsonArray items = new JsonArray();
      Integer last = null;
      int i = 0;
      boolean more = false;
      for (Row row : ar.result()) {
        if (i++ == limit) {
          more = true;
          break;
        }
        last = row.getInteger(0);
        items.add(new JsonObject().put("productId", last).put("name", row.getString(1)).put("brandId", row.getInteger(2)));
      }
      JsonObject page = new JsonObject().put("items", items).put("limit", limit);
      if (more) {
        page.put("next", last).put("nextUrl", "/products?" + (brand != null ? "brand=" + brand + "&" : "")
            + "limit=" + limit + "&after=" + last);
      } else {
        page.putNull("next");
      }
      ctx.json(page);
    });
  }

  private void brands(RoutingContext ctx) {
    repository.brands().onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      JsonArray items = new JsonArray();
      for (Row row : ar.result()) {
        items.add(brandJson(row));
      }
      ctx.json(new JsonObject().put("items", items));
    });
  }

  private void brand(RoutingContext ctx) {
    int id = Params.pathId(ctx, "id");
    repository.brand(id).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result().size() == 0) {
        ctx.fail(Failure.notFound("no brand with id " + id));
      } else {
        ctx.json(brandJson(ar.result().iterator().next()));
      }
    });
  }

  private static JsonObject brandJson(Row row) {
    return new JsonObject().put("brandId", row.getInteger(0)).put("name", row.getString(1));
  }
}
