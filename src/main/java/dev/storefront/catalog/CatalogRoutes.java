package dev.storefront.catalog;

import dev.storefront.failure.Failure;
import dev.storefront.http.Params;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;

/** {@code /products}, {@code /products/{id}}, {@code /brands}, {@code /brands/{id}}. */
public final class CatalogRoutes {

  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;
  private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

  private final ProductRepository repository;

  private CatalogRoutes(ProductRepository repository) {
    this.repository = repository;
  }

  public static void mount(Router router, ProductRepository repository) {
    CatalogRoutes routes = new CatalogRoutes(repository);
    router.get("/products/:id").handler(Params.query()).handler(routes::product);
    router.get("/products").handler(Params.query("brand", "limit", "after")).handler(routes::products);
    router.get("/brands/:id").handler(Params.query()).handler(routes::brand);
    router.get("/brands").handler(Params.query()).handler(routes::brands);
  }

  private void product(RoutingContext ctx) {
    int id = Params.pathId(ctx, "id");
    repository.productDetail(id)
        .compose(rows -> rows.size() == 0
            ? Future.<Buffer>failedFuture(Failure.notFound("no product with id " + id))
            : repository.brandName(ProductJson.brandId(rows)).map(brand -> ProductJson.product(rows, brand)))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(ar.result());
          } else {
            ctx.fail(ar.cause());
          }
        });
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
