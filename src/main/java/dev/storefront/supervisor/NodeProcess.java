package dev.storefront.supervisor;

import dev.storefront.node.NodeCommand;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** One forked node JVM: its output relayed with a {@code [name]} prefix, its readiness, and the drain request. */
final class NodeProcess {

  private final String name;
  private final Process process;
  private volatile JsonObject card;

  private NodeProcess(String name, Process process) {
    this.name = name;
    this.process = process;
  }

  static NodeProcess start(String name, List<String> command, Map<String, String> env, PrintStream out, boolean prefix,
                           Consumer<NodeProcess> onReady) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("STOREFRONT_") && !k.startsWith("STOREFRONT_TEST_"));
    pb.environment().putAll(env);
    NodeProcess node = new NodeProcess(name, pb.start());
    Thread relay = new Thread(() -> node.relay(out, prefix ? "[" + name + "] " : "", onReady), "relay-" + name);
    relay.setDaemon(true);
    relay.start();
    return node;
  }

  private void relay(PrintStream out, String prefix, Consumer<NodeProcess> onReady) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith(NodeCommand.READY_MARKER)) {
          card = new JsonObject(line.substring(NodeCommand.READY_MARKER.length()));
          onReady.accept(this);
        } else {
          out.println(prefix + line);
        }
      }
    } catch (IOException | RuntimeException e) {
      out.println("[" + name + "] (output ended: " + e.getMessage() + ")");
    }
  }

  /** Asks the node to drain (it also drains by itself when this pipe closes). */
  void drain() {
    try {
      OutputStream stdin = process.getOutputStream();
      stdin.write("drain\n".getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
  }

  String name() {
    return name;
  }

  Process process() {
    return process;
  }

  long pid() {
    return process.pid();
  }

  boolean ready() {
    return card != null;
  }

  JsonObject card() {
    return card;
  }
}
