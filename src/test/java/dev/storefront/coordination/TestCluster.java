package dev.storefront.coordination;

import dev.storefront.cluster.FreePorts;
import dev.storefront.config.Settings;
import dev.storefront.cluster.Cluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A real Hazelcast cluster of clustered Vert.x instances in this JVM, with its own name and free ports. */
final class TestCluster implements AutoCloseable {

  final List<Vertx> nodes = new ArrayList<>();
  final Settings settings;

  private TestCluster(Settings settings) {
    this.settings = settings;
  }

  static TestCluster start(String prefix, int size) throws Exception {
    return start(prefix, size, UnaryOperator.identity());
  }

  /** A cluster whose settings are the test defaults changed by {@code tune} (e.g. coordination.mode=cp). */
  static TestCluster start(String prefix, int size, UnaryOperator<Settings> tune) throws Exception {
    int port = FreePorts.base(size + 2);
    Settings settings = tune.apply(Settings.defaults()
        .with("cluster.name", prefix + "-" + UUID.randomUUID().toString().substring(0, 8))
        .with("cluster.port", port)
        .with("cluster.members", "127.0.0.1")
        .with("stats.flushIntervalMs", 100));
    TestCluster cluster = new TestCluster(settings);
    for (int i = 0; i < size; i++) {
      cluster.nodes.add(await(Cluster.start(settings, 2)));
    }
    return cluster;
  }

  Vertx node(int i) {
    return nodes.get(i);
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    for (Vertx v : nodes) {
      await(v.close());
    }
  }
}
