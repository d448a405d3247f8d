package dev.storefront.supervisor;

import dev.storefront.config.Logs;
import dev.storefront.config.Settings;
import dev.storefront.cluster.JavaCommand;
import dev.storefront.cluster.NodeIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Forks and watches the node processes: restarts one that exits (exponential backoff, giving up on a crash loop),
 * reports once when all are ready, and drains them all on {@link #shutdown()}.
 */
final class Supervisor {

  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
  private static final long STABLE_AFTER_MS = 60_000;

  private final Settings settings;
  private final Path settingsFile;
  private final String classpath;
  private final int processes;
  private final PrintStream out;
  private final Runnable onAllReady;
  private final Runnable onGiveUp;
  /** The exit code of a node that found its settings unusable (Main's code for usage and settings errors). */
  static final int USAGE_ERROR = 2;
  private volatile boolean usageError;
  private final NodeProcess[] nodes;
  private final int[] crashes;
  private final long[] startedAt;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "supervisor-timer");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean stopping;
  private boolean announced;

  Supervisor(Settings settings, Path settingsFile, String classpath, int processes, PrintStream out, Runnable onAllReady,
             Runnable onGiveUp) {
    this.settings = settings;
    this.settingsFile = settingsFile;
    this.classpath = classpath;
    this.processes = processes;
    this.out = out;
    this.onAllReady = onAllReady;
    this.onGiveUp = onGiveUp;
    this.nodes = new NodeProcess[processes];
    this.crashes = new int[processes];
    this.startedAt = new long[processes];
  }

  void start() throws IOException {
    for (int i = 0; i < processes; i++) {
      launch(i);
    }
  }

  /**
   * {@code node-<i>}; on a cluster interface other than loopback also the host, {@code node-<i>:<cluster.host>}, so
   * that names stay unique in a cluster of several machines, each with its own {@code node-1}.
   */
  static String nodeName(int index, String clusterHost) {
    String name = "node-" + (index + 1);
    return isLoopback(clusterHost) ? name : name + ":" + clusterHost;
  }

  private static boolean isLoopback(String host) {
    return host.isBlank() || host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  private synchronized void launch(int i) throws IOException {
    if (stopping) {
      return;
    }
    String name = nodeName(i, settings.string("cluster.host"));
    List<String> cmd = JavaCommand.jvm()
        .options(Arrays.asList(settings.string("node.jvmOptions").trim().split("\\s+")))
        .clusterFlags()
        .property(NodeIdentity.NAME_PROPERTY, name)
        .property(NodeIdentity.INDEX_PROPERTY, String.valueOf(i + 1)) // management.port + index: its own port
        .property(Logs.FORMAT_PROPERTY, settings.string("log.format")) // from its first line
        .classpath(classpath, "dev.storefront.Main",
            List.of("node", "--cluster", "--supervised", "--config", settingsFile.toString()))
        .toList();
    startedAt[i] = System.currentTimeMillis();
    // a JSON line names its node itself and must stay one JSON object: no [name] prefix
    NodeProcess node = NodeProcess.start(name, cmd, Map.of(), out, !settings.string("log.format").equals("json"), this::ready);
    nodes[i] = node;
    LOG.info("started {} (pid {})", name, node.pid());
    node.process().onExit().thenAccept(p -> exited(i, node, p.exitValue()));
    long readyMs = settings.integer("node.readyTimeoutMs");
    timer.schedule(() -> notReadyInTime(i, node, readyMs), readyMs, TimeUnit.MILLISECONDS);
  }

  /** A node that did not report ready within node.readyTimeoutMs is killed; its exit then counts as a crash. */
  private synchronized void notReadyInTime(int i, NodeProcess node, long readyMs) {
    if (stopping || nodes[i] != node || node.ready() || !node.process().isAlive()) {
      return;
    }
    out.println("storefront: " + node.name() + " (pid " + node.pid() + ") was not ready after " + readyMs
        + " ms (node.readyTimeoutMs); killing it");
    node.process().destroyForcibly();
  }

  private synchronized void ready(NodeProcess node) {
    if (!announced && Arrays.stream(nodes).allMatch(n -> n != null && n.ready())) {
      announced = true;
      onAllReady.run();
    } else if (announced) {
      out.println("storefront: " + node.name() + " (pid " + node.pid() + ") is back");
    }
  }

  private synchronized void exited(int i, NodeProcess node, int code) {
    if (stopping || nodes[i] != node) {
      return;
    }
    boolean wasStable = node.ready() && System.currentTimeMillis() - startedAt[i] > STABLE_AFTER_MS;
    crashes[i] = wasStable ? 1 : crashes[i] + 1;
    int max = settings.integer("node.maxCrashes");
    if (code == USAGE_ERROR && !node.ready()) {
      // the node refused its settings (a port another program holds, say): restarting cannot help
      out.println("storefront: " + node.name() + " could not start: its settings are unusable (its line above says why); "
          + "not restarting it");
      usageError = true;
      onGiveUp.run();
      return;
    }
    if (crashes[i] >= max) {
      out.println("storefront: " + node.name() + " crashed " + crashes[i] + " times in a row"
          + (node.ready() ? "" : " before becoming ready") + " (last exit code " + code + "); giving up. "
          + "Its log lines above (prefixed [" + node.name() + "]) say why.");
      onGiveUp.run();
      return;
    }
    long delay = Math.min(30_000L, settings.integer("node.restartBackoffMs") * (1L << Math.min(crashes[i] - 1, 16)));
    out.println("storefront: " + node.name() + " (pid " + node.pid() + ") exited with code " + code
        + "; restarting in " + delay + " ms");
    timer.schedule(() -> {
      try {
        launch(i);
      } catch (IOException e) {
        out.println("storefront: cannot restart " + node.name() + ": " + e.getMessage());
        onGiveUp.run();
      }
    }, delay, TimeUnit.MILLISECONDS);
  }

  /** Whether the supervisor gave up because a node found its settings unusable (serve then exits 2). */
  boolean gaveUpOnSettings() {
    return usageError;
  }

  List<NodeProcess> nodes() {
    return Arrays.asList(nodes.clone());
  }

  /** Drains every node, waits up to the drain timeout (plus a margin), then kills what is left. */
  void shutdown() {
    List<NodeProcess> running;
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
      running = new ArrayList<>();
      for (NodeProcess n : nodes) {
        if (n != null && n.process().isAlive()) {
          running.add(n);
        }
      }
    }
    timer.shutdownNow();
    running.forEach(NodeProcess::drain);
    long deadline = System.currentTimeMillis() + settings.integer("node.drainTimeoutMs") + 5_000L;
    CompletableFuture<?>[] exits = running.stream().map(n -> n.process().onExit()).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(exits).get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      for (NodeProcess n : running) {
        if (n.process().isAlive()) {
          out.println("storefront: " + n.name() + " did not drain in time; killing it");
          n.process().destroyForcibly();
        }
      }
    }
  }
}
