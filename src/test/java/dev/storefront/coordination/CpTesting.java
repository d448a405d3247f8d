package dev.storefront.coordination;

import dev.storefront.testing.Await;
import dev.storefront.testing.TestCluster;
import com.hazelcast.core.HazelcastInstance;
import dev.storefront.config.Settings;
import dev.storefront.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** Helpers of the cp-mode tests: a cluster in coordination mode cp, ready to serve; polling with a deadline. */
final class CpTesting {

  private CpTesting() {
  }

  /** {@code size} clustered nodes in mode cp (CP member count 3) with coordination deployed, once CP answers on each. */
  static TestCluster cpCluster(String prefix, int size, UnaryOperator<Settings> tune) throws Exception {
    TestCluster cluster = TestCluster.start(prefix, size, s -> tune.apply(s.with("coordination.mode", "cp")));
    for (int i = 0; i < size; i++) {
      Await.await(Coordination.deploy(cluster.node(i), cluster.settings, prefix + "-node-" + i));
    }
    // The CP subsystem forms once 3 members joined, then creates its groups: the first calls may time out (503).
    for (Vertx node : cluster.nodes) {
      Await.await(until(node, () -> CounterStore.of(node).get("warm-up").map(v -> true)
          .recover(err -> Failure.is(err, Failure.Kind.UNAVAILABLE) ? Future.succeededFuture(false) : Future.failedFuture(err)),
          ready -> ready, 60_000));
    }
    return cluster;
  }

  /** Repeats {@code attempt} every 20 ms until its result passes {@code done}; fails after {@code timeoutMs}. */
  static <T> Future<T> until(Vertx vertx, Supplier<Future<T>> attempt, Predicate<T> done, long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    return poll(vertx, attempt, done, deadline, timeoutMs);
  }

  private static <T> Future<T> poll(Vertx vertx, Supplier<Future<T>> attempt, Predicate<T> done, long deadline, long timeoutMs) {
    return attempt.get().compose(value -> {
      if (done.test(value)) {
        return Future.succeededFuture(value);
      }
      if (System.currentTimeMillis() > deadline) {
        return Future.failedFuture(new AssertionError("not done within " + timeoutMs + " ms; last: " + value));
      }
      return vertx.timer(20).compose(v -> poll(vertx, attempt, done, deadline, timeoutMs));
    });
  }

  /** {@code operation} once it no longer fails with a 503 (as while a CP group elects a new leader), within 30 s. */
  static <T> Future<T> eventually(Vertx vertx, Supplier<Future<T>> operation) {
    return eventually(vertx, operation, 30_000);
  }

  /** {@code operation} once it no longer fails with a 503, within {@code timeoutMs}; the failure names the last 503. */
  static <T> Future<T> eventually(Vertx vertx, Supplier<Future<T>> operation, long timeoutMs) {
    String[] last = {""};
    return until(vertx, () -> operation.get().map(java.util.Optional::ofNullable).recover(err -> {
          if (!Failure.is(err, Failure.Kind.UNAVAILABLE)) {
            return Future.failedFuture(err);
          }
          last[0] = err.getMessage();
          return Future.succeededFuture(null);
        }), result -> result != null, timeoutMs).map(result -> result.orElse(null))
        .recover(err -> Future.failedFuture(new AssertionError("still 503 after " + timeoutMs + " ms: " + last[0], err)));
  }

  static HazelcastInstance hazelcast(Vertx vertx) {
    return ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager()).getHazelcastInstance();
  }
}
