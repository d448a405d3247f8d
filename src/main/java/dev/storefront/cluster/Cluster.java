package dev.storefront.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.XmlConfigBuilder;
import dev.storefront.config.Settings;
import dev.storefront.config.SettingsException;
import dev.storefront.metrics.MetricsSetup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Builds the clustered Vert.x instance of a node: Hazelcast from {@code cluster.configFile} (or the built-in
 * copy), with cluster name, interface, port and TCP-IP members taken from the settings; the native transport
 * when available; the event bus bound to the cluster interface; metrics when {@code metrics.enabled}.
 */
public final class Cluster {

  static final int PORTS_PER_HOST = 8;
  /** JVM flags Hazelcast wants on Java 17 (module access for its fast paths and metrics); forked JVMs get them. */
  public static final List<String> JVM_FLAGS = List.of(
      "--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "-Dhazelcast.logging.type=slf4j");
  private static final String BUILT_IN = "/config/cluster.xml";

  private Cluster() {
  }

  /** Starts a clustered Vert.x with {@code eventLoops} event loops (0 means Vert.x's default). */
  public static Future<Vertx> start(Settings settings, int eventLoops) {
    VertxOptions options = new VertxOptions()
        .setPreferNativeTransport(true)
        .setEventBusOptions(new EventBusOptions()
            .setHost(settings.string("cluster.host"))
            .setClusterPublicHost(settings.string("cluster.host"))
            .setPort(0));
    if (eventLoops > 0) {
      options.setEventLoopPoolSize(eventLoops);
    }
    MetricsSetup metrics = MetricsSetup.of(settings, NodeIdentity.name());
    return metrics.builder(options)
        .withClusterManager(new HazelcastClusterManager(hazelcastConfig(settings)))
        .buildClustered()
        .map(metrics::attach);
  }

  /** The Hazelcast configuration a node uses: the XML file, then the settings on top. */
  public static Config hazelcastConfig(Settings settings) {
    Config config = load(settings.string("cluster.configFile"));
    String host = settings.string("cluster.host");
    config.setClusterName(settings.string("cluster.name"));
    config.getNetworkConfig().setPort(settings.integer("cluster.port")).setPortAutoIncrement(true);
    config.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(List.of(host));
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (settings.string("cluster.join").equals("kubernetes")) {
      // Hazelcast's built-in Kubernetes discovery: the members are the addresses behind a headless Service
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", settings.string("cluster.kubernetesServiceDns"))
          .setProperty("service-port", String.valueOf(settings.integer("cluster.port")));
    } else {
      join.getTcpIpConfig().setEnabled(true)
          .setMembers(members(settings.string("cluster.members"), settings.integer("cluster.port")));
    }
    // The CP subsystem (Raft) only in coordination mode cp; its tuning is in the XML's cp-subsystem section.
    boolean cp = "cp".equals(settings.string("coordination.mode"));
    config.getCPSubsystemConfig().setCPMemberCount(cp ? settings.integer("coordination.cpMembers") : 0);
    return config;
  }

  /** Members to probe; a host given without a port is probed on the first {@link #PORTS_PER_HOST} ports from {@code port}. */
  static List<String> members(String csv, int port) {
    List<String> members = Arrays.stream(csv.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .flatMap(m -> m.contains(":") ? Stream.of(m)
            : IntStream.range(0, PORTS_PER_HOST).mapToObj(i -> m + ":" + (port + i)))
        .collect(Collectors.toList());
    if (members.isEmpty()) {
      throw new SettingsException("cluster.members", "needs at least one host or host:port");
    }
    return members;
  }

  private static Config load(String file) {
    Path path = Path.of(file);
    try {
      if (Files.isRegularFile(path)) {
        return new XmlConfigBuilder(path.toString()).build();
      }
      try (InputStream in = Cluster.class.getResourceAsStream(BUILT_IN)) {
        return new XmlConfigBuilder(in).build();
      }
    } catch (IOException | RuntimeException e) {
      throw new SettingsException("cluster.configFile", "cannot load Hazelcast configuration " + file + ": " + e.getMessage());
    }
  }
}
