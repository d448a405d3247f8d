package dev.storefront.catalog;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One event loop's copy of the brand names (100 rows that rarely change), so that {@code GET /products/{id}} runs
 * exactly {@link CatalogSql#PRODUCT_WITH_SKUS}, which is far cheaper for PostgreSQL than the same query with a brand join and outer
 * joins. The whole table is reloaded when the copy is older than {@code catalog.brandCacheSeconds}; an unknown id
 * is asked for at once. Used on one event loop only: no synchronisation.
 */
final class BrandNames {

  private final Function<Integer, Future<RowSet<Row>>> query;
  private final long ttlMs;
  private Map<Integer, String> names = new HashMap<>();
  private long loadedAt = Long.MIN_VALUE / 2;
  private Future<Void> loading;

  /** {@code query.apply(null)} lists all brands; {@code query.apply(id)} one. */
  BrandNames(Function<Integer, Future<RowSet<Row>>> query, int ttlSeconds) {
    this.query = query;
    this.ttlMs = ttlSeconds * 1000L;
  }

  Future<String> name(int brandId) {
    long now = System.currentTimeMillis();
    if (now - loadedAt > ttlMs) {
      if (ttlMs == 0) {
        return one(brandId);
      }
      return reload(now).compose(v -> names.containsKey(brandId) ? Future.succeededFuture(names.get(brandId)) : one(brandId));
    }
    String name = names.get(brandId);
    return name != null ? Future.succeededFuture(name) : one(brandId);
  }

  private Future<Void> reload(long now) {
    if (loading == null) {
      loading = query.apply(null).map(rows -> {
        Map<Integer, String> fresh = new HashMap<>();
        for (Row r : rows) {
          fresh.put(r.getInteger(0), r.getString(1));
        }
        names = fresh;
        loadedAt = now;
        return (Void) null;
      }).eventually(() -> {
        loading = null;
        return Future.succeededFuture();
      });
    }
    return loading;
  }

  private Future<String> one(int brandId) {
    return query.apply(brandId).map(rows -> {
      String name = rows.size() == 0 ? null : rows.iterator().next().getString(1);
      if (name != null && ttlMs > 0) {
        names.put(brandId, name);
      }
      return name;
    });
  }
}
