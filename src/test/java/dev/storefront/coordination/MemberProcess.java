package dev.storefront.coordination;

import dev.storefront.testing.Await;
import dev.storefront.cluster.Cluster;
import dev.storefront.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static dev.storefront.testing.Await.await;

/**
 * A cluster member in its own JVM for the real-process tests, driven over stdin: {@code lock <name> <timeoutMs>},
 * {@code add <name> <delta>}, {@code get <name>}, {@code members}, {@code cpmembers} (CP members, mode cp),
 * {@code localcp} (1 when this member is a CP member); answers {@code MEMBER OK <n>} or
 * {@code MEMBER ERR <message>}. Arguments: cluster name, first cluster port, optionally the coordination mode
 * ({@code ap} by default; {@code cp} with coordination.cpTimeoutMs 1000).
 */
public final class MemberProcess {

  static final String PREFIX = "MEMBER ";

  private MemberProcess() {
  }

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.setOut(System.err);
    Settings settings = Settings.defaults()
        .with("cluster.name", args[0])
        .with("cluster.port", Integer.parseInt(args[1]))
        .with("cluster.members", "127.0.0.1");
    if (args.length > 2 && args[2].equals("cp")) {
      settings = settings.with("coordination.mode", "cp").with("coordination.cpTimeoutMs", 1000);
    }
    Vertx vertx = await(Cluster.start(settings, 1));
    await(Coordination.deploy(vertx, settings));
    out.println(PREFIX + "READY " + dev.storefront.cluster.NodeIdentity.clusterNodeId(vertx));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] cmd = line.trim().split(" ");
      try {
        Object result = switch (cmd[0]) {
          case "lock" -> await(LockService.of(vertx).acquire(cmd[1], Long.parseLong(cmd[2]))).token();
          case "add" -> await(CounterStore.of(vertx).addAndGet(cmd[1], Long.parseLong(cmd[2])));
          case "get" -> await(CounterStore.of(vertx).get(cmd[1]));
          case "cpmembers" -> await(Coordination.describe(vertx)).getJsonArray("cpMembers").size();
          case "localcp" -> await(Coordination.describe(vertx)).getString("localCpMember") == null ? 0 : 1;
          case "members" -> ((VertxInternal) vertx).clusterManager().getNodes().size();
          default -> throw new IllegalArgumentException("unknown command " + line);
        };
        out.println(PREFIX + "OK " + result);
      } catch (Exception e) {
        out.println(PREFIX + "ERR " + e.getMessage());
      }
    }
    await(vertx.close());
  }
}
