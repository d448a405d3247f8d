package dev.storefront.coordination;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.function.Supplier;

/** One instance of a coordination service per Vert.x instance, kept in a local map (gone when Vert.x closes). */
final class PerVertx {

  private static final String MAP = "storefront.coordination";

  private PerVertx() {
  }

  @SuppressWarnings("unchecked")
  static <T extends Shareable> T get(Vertx vertx, Class<T> type, Supplier<T> create) {
    LocalMap<String, Shareable> map = vertx.sharedData().getLocalMap(MAP);
    Shareable existing = map.get(type.getName());
    if (existing != null) {
      return (T) existing;
    }
    // Not computeIfAbsent: a service may create another one (FencedLocks uses Counters) while being created.
    T created = create.get();
    Shareable raced = map.putIfAbsent(type.getName(), created);
    return raced != null ? (T) raced : created;
  }
}
