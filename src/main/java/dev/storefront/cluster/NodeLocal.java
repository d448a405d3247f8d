package dev.storefront.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.function.Supplier;

/**
 * One instance of a service per Vert.x instance (per node), found by its type. Kept in a local map of the
 * Vert.x instance, so it is gone when that instance closes, and two Vert.x instances in one JVM (as in tests)
 * each have their own.
 */
public final class NodeLocal {

  private static final String MAP = "storefront.node-local";

  private NodeLocal() {
  }

  /** The instance of {@code type} on {@code vertx}, created by {@code create} the first time. */
  public static <T> T get(Vertx vertx, Class<T> type, Supplier<T> create) {
    T existing = find(vertx, type);
    if (existing != null) {
      return existing;
    }
    // Not computeIfAbsent: a service may create another one (FencedLocks uses Counters) while being created.
    Holder created = new Holder(create.get());
    Holder raced = map(vertx).putIfAbsent(type.getName(), created);
    return type.cast(raced != null ? raced.value : created.value);
  }

  /** The instance of {@code type} on {@code vertx}, or {@code null} when none was registered. */
  public static <T> T find(Vertx vertx, Class<T> type) {
    Holder holder = map(vertx).get(type.getName());
    return holder == null ? null : type.cast(holder.value);
  }

  /** Registers {@code value} as the instance of {@code type}, replacing any other. */
  public static <T> void register(Vertx vertx, Class<T> type, T value) {
    map(vertx).put(type.getName(), new Holder(value));
  }

  /** Removes {@code value} if it is still the instance of {@code type}. */
  public static <T> void unregister(Vertx vertx, Class<T> type, T value) {
    LocalMap<String, Holder> map = map(vertx);
    Holder holder = map.get(type.getName());
    if (holder != null && holder.value == value) {
      map.removeIfPresent(type.getName(), holder);
    }
  }

  private static LocalMap<String, Holder> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }

  /** Local maps take only {@link Shareable} values; the services are never copied, only shared within a node. */
  private static final class Holder implements Shareable {
    private final Object value;

    private Holder(Object value) {
      this.value = value;
    }
  }
}
