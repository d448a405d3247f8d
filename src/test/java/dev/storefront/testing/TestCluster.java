package dev.storefront.testing;

import dev.storefront.cluster.Cluster;
import dev.storefront.cluster.FreePorts;
import dev.storefront.config.Settings;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static dev.storefront.testing.Await.await;

/**
 * A real Hazelcast cluster of clustered Vert.x instances in this JVM, with its own name and free ports; and the
 * settings that keep a {@code serve} started by a test in a cluster of its own.
 */
public final class TestCluster implements AutoCloseable {

  public final List<Vertx> nodes = new ArrayList<>();
  public final Settings settings;

  private TestCluster(Settings settings) {
    this.settings = settings;
  }

  /** {@code size} nodes of 2 event loops each in a cluster named {@code prefix-<random>}. */
  public static TestCluster start(String prefix, int size) {
    return start(prefix, size, UnaryOperator.identity());
  }

  /** A cluster whose settings are the test defaults changed by {@code tune} (e.g. coordination.mode=cp). */
  public static TestCluster start(String prefix, int size, UnaryOperator<Settings> tune) {
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

  public Vertx node(int i) {
    return nodes.get(i);
  }

  /**
   * JVM option for the node and member JVMs that tests start, where a test does not measure their speed: C1 only
   * ({@code -XX:TieredStopAtLevel=1}), which took a {@code serve --processes 2} from about 14 s to about 9.5 s to
   * ready on 2 cores (no C2 compilations competing with start-up); the code that runs is the same.
   */
  public static final String QUICK_START = "-XX:TieredStopAtLevel=1";

  /** {@code --set node.jvmOptions=}the default options plus {@link #QUICK_START}, for a test {@code serve}'s nodes. */
  public static List<String> quickStartNodes() {
    return List.of("--set", "node.jvmOptions=" + Settings.defaults().string("node.jvmOptions") + " " + QUICK_START);
  }

  /** The {@code --set} arguments every test {@code serve} needs: its own cluster name and Hazelcast port range. */
  public static List<String> isolated(String clusterName, int clusterPort) {
    // members without a port are probed from cluster.port upwards (hazelcast.tcp.join.port.try.count in cluster.xml)
    return List.of("--set", "cluster.name=" + clusterName, "--set", "cluster.port=" + clusterPort,
        "--set", "management.port=0");
  }

  @Override
  public void close() {
    for (Vertx v : nodes) {
      await(v.close());
    }
  }
}
