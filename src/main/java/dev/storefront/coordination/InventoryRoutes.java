package dev.storefront.coordination;

import dev.storefront.config.Settings;
import dev.storefront.failure.Failure;
import dev.storefront.http.ApiError;
import dev.storefront.http.Params;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * A resource fenced by lock tokens: {@code PUT /inventory/{sku}} with {@code {"quantity": n, "token": t, "lock": name}}
 * answers 200 with the row when {@code t} is newer than the token of the row's last write (and from the same lock),
 * else 409 with the current row; {@code GET /inventory/{sku}} answers the row or 404. Bad input is a 400 that
 * changes nothing. SKUs are 1 to 64 characters of {@code [A-Za-z0-9._:-]}.
 */
public final class InventoryRoutes {

  private static final Pattern SKU = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Set<String> FIELDS = Set.of("quantity", "token", "lock");

  private InventoryRoutes() {
  }

  /** Mounts the routes; needs {@code db.url}. May be called once per HTTP verticle: they share one pool. */
  public static void mount(Router router, Vertx vertx, Settings settings) {
    InventoryStore store = new InventoryStore(vertx, settings);
    router.get("/inventory/:sku").handler(ctx -> {
      String sku = sku(ctx);
      store.row(sku).onSuccess(row -> {
        if (row == null) {
          ctx.fail(Failure.notFound("no inventory row for sku " + sku));
        } else {
          ctx.json(row);
        }
      }).onFailure(ctx::fail);
    });
    router.put("/inventory/:sku").handler(ctx -> {
      String sku = sku(ctx);
      JsonObject body = body(ctx);
      int quantity = (int) integer(body, "quantity", 0, Integer.MAX_VALUE);
      long token = integer(body, "token", 1, Long.MAX_VALUE);
      Object lock = body.getValue("lock");
      if (!(lock instanceof String) || !CoordinationNames.isValid((String) lock)) {
        throw Failure.invalid("lock must be a lock name: 1 to 64 characters of A-Z a-z 0-9 . _ : -");
      }
      store.write(sku, quantity, token, (String) lock).onSuccess(write -> {
        if (write.written()) {
          ctx.json(write.row());
          return;
        }
        JsonObject current = write.row();
        String why = current == null ? "the row changed meanwhile"
            : !current.getString("lock").equals(lock) ? "it is fenced by lock " + current.getString("lock") + ", not " + lock
            : "a write with token " + current.getLong("fence") + " of lock " + lock + " came first (tokens must grow)";
        Failure conflict = Failure.conflict("sku " + sku + " not written with token " + token + ": " + why);
        ctx.response().setStatusCode(409).putHeader("content-type", "application/json")
            .end(ApiError.from(conflict).body().put("current", current).encode());
      }).onFailure(ctx::fail);
    });
  }

  private static String sku(RoutingContext ctx) {
    String sku = ctx.pathParam("sku");
    if (sku == null || !SKU.matcher(sku).matches()) {
      throw Failure.invalid("sku must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
    }
    return sku;
  }

  private static JsonObject body(RoutingContext ctx) {
    String shape = "body must be {\"quantity\": n, \"token\": t, \"lock\": name}";
    JsonObject body = Params.jsonBody(ctx, shape);
    if (body == null || !body.fieldNames().equals(FIELDS)) {
      throw Failure.invalid(shape);
    }
    return body;
  }

  private static long integer(JsonObject body, String field, long min, long max) {
    Object v = body.getValue(field);
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min || ((Number) v).longValue() > max) {
      throw Failure.invalid(field + " must be an integer from " + min + " to " + max + ", got " + v);
    }
    return ((Number) v).longValue();
  }
}
