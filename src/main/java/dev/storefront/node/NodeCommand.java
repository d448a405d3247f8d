package dev.storefront.node;

import dev.storefront.cluster.NodeIdentity;
import dev.storefront.config.Settings;
import dev.storefront.config.SettingsOptions;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code storefront node}: one node process. Started by {@code serve} (supervised: it reports readiness on
 * stdout and drains when told so on stdin or when stdin closes, i.e. when the supervisor is gone), or by hand to
 * join an existing cluster on this or another machine.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Run one node (a clustered Vert.x with its event loops), e.g. to join a cluster on another machine.")
public final class NodeCommand implements Callable<Integer> {

  /** The line a supervised node prints when it serves; followed by its card as JSON. */
  public static final String READY_MARKER = "STOREFRONT-NODE-READY ";

  @Mixin
  SettingsOptions settingsOptions;

  @Option(names = "--cluster", description = "join (or form) a Hazelcast cluster; without it the node runs alone")
  boolean cluster;

  @Option(names = "--members", paramLabel = "HOST[:PORT],...", description = "cluster members to join (setting cluster.members)")
  String members;

  @Option(names = "--cluster-host", paramLabel = "ADDR", description = "interface to bind and advertise for the cluster (setting cluster.host)")
  String clusterHost;

  @Option(names = "--event-loops", paramLabel = "E", description = "event loops and HTTP verticles (setting node.eventLoops; default: cores)")
  Integer eventLoops;

  @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (setting http.port)")
  Integer port;

  @Option(names = "--name", paramLabel = "NAME", description = "node name shown in X-Storefront-Node and /cluster (default node-<pid>)")
  String name;

  @Option(names = "--supervised", hidden = true, description = "started by serve: drain on 'drain' or EOF on stdin")
  boolean supervised;

  @Override
  public Integer call() throws Exception {
    if (name != null) {
      System.setProperty(NodeIdentity.NAME_PROPERTY, name);
    } else if (System.getProperty(NodeIdentity.NAME_PROPERTY) == null) {
      System.setProperty(NodeIdentity.NAME_PROPERTY, NodeIdentity.name()); // for the log lines' "node"
    }
    Map<String, String> flags = new HashMap<>();
    putIf(flags, "cluster.members", members);
    putIf(flags, "cluster.host", clusterHost);
    putIf(flags, "node.eventLoops", eventLoops);
    putIf(flags, "http.port", port);
    Settings settings = settingsOptions.load(flags);
    Node node = new Node(settings, cluster);
    long t0 = System.nanoTime();
    node.start().toCompletionStage().toCompletableFuture().get();
    JsonObject card = node.card();
    System.out.printf("node %s ready in %.1f s: http://%s:%d, %d event loop(s), transport %s, %s; management %s%s%n",
        NodeIdentity.name(), (System.nanoTime() - t0) / 1e9, settings.string("http.host"), settings.integer("http.port"),
        node.eventLoops(), node.transport(), cluster ? "cluster '" + settings.string("cluster.name") + "'" : "not clustered",
        node.managementUrl(), node.vertx().isMetricsEnabled() ? " (/metrics)" : " (metrics off)");
    if (supervised) {
      System.out.println(READY_MARKER + card.encode());
    }
    System.out.flush();

    CountDownLatch drained = new CountDownLatch(1);
    Runnable drain = () -> {
      node.drain();
      drained.countDown();
    };
    Thread hook = new Thread(drain, "storefront-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (supervised) {
      Thread watcher = new Thread(() -> watchSupervisor(drain), "storefront-supervisor-watch");
      watcher.setDaemon(true);
      watcher.start();
    }
    drained.await();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running; it ends with the drain
    }
    return 0;
  }

  /** Drains on "drain" from the supervisor, or when stdin ends because the supervisor is gone. */
  private static void watchSupervisor(Runnable drain) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.trim().equals("drain")) {
          break;
        }
      }
    } catch (Exception e) {
      // stdin broken: the supervisor is gone
    }
    drain.run();
  }

  private static void putIf(Map<String, String> flags, String key, Object value) {
    if (value != null) {
      flags.put(key, value.toString());
    }
  }
}
