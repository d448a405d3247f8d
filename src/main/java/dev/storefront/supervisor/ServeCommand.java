package dev.storefront.supervisor;

import dev.storefront.config.Settings;
import dev.storefront.config.SettingsOptions;
import dev.storefront.db.Database;
import io.netty.channel.epoll.Epoll;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code storefront serve}: the supervisor. Starts the embedded PostgreSQL when no database is configured, forks
 * the node processes, prints one ready line, restarts crashed nodes, and drains everything on SIGTERM/SIGINT.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Start Storefront: a supervisor forking P node processes that share one HTTP port.")
public final class ServeCommand implements Callable<Integer> {

  @Mixin
  SettingsOptions settingsOptions;

  @Option(names = "--processes", paramLabel = "P", description = "node processes (setting node.processes; default: cores)")
  Integer processes;

  @Option(names = {"--event-loops"}, paramLabel = "E", description = "event loops per node (setting node.eventLoops; default: 1 when P > 1, else cores)")
  Integer eventLoops;

  @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (setting http.port, default 8080)")
  Integer port;

  @Option(names = "--db-url", paramLabel = "URL", description = "external PostgreSQL (setting db.url; default: embedded)")
  String dbUrl;

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    Map<String, String> flags = new HashMap<>();
    if (processes != null) flags.put("node.processes", processes.toString());
    if (eventLoops != null) flags.put("node.eventLoops", eventLoops.toString());
    if (port != null) flags.put("http.port", port.toString());
    if (dbUrl != null) flags.put("db.url", dbUrl);
    Settings settings = settingsOptions.load(flags);
    int cores = Runtime.getRuntime().availableProcessors();
    int p = settings.integer("node.processes") > 0 ? settings.integer("node.processes") : cores;
    int e = settings.integer("node.eventLoops") > 0 ? settings.integer("node.eventLoops") : (p > 1 ? 1 : cores);
    PrintStream out = System.out;
    if (p > 1 && !Epoll.isAvailable()) {
      out.println("storefront: refusing to start " + p + " processes on one port: the native epoll transport is not "
          + "available here (" + Epoll.unavailabilityCause() + "), and without it SO_REUSEPORT is ignored. "
          + "Run with --processes 1 --event-loops " + cores + " instead.");
      return 2;
    }

    Database db = Database.open(settings);
    Settings effective = settings.with("db.url", db.url().uri()).with("node.processes", p).with("node.eventLoops", e);
    Path file = Files.createTempFile("storefront-node-", ".json");
    file.toFile().deleteOnExit();
    Files.writeString(file, effective.toJson().encodePrettily());
    Path nodeJar = privateCopyOfJar();
    String nodeClasspath = nodeJar != null ? nodeJar.toString() : System.getProperty("java.class.path");

    CountDownLatch giveUp = new CountDownLatch(1);
    Supervisor supervisor = new Supervisor(effective, file, nodeClasspath, p, out,
        () -> out.printf("Storefront ready in %.1f s: http://%s:%d (%d node process%s x %d event loop%s, transport %s, "
                + "database %s, cluster '%s')%n",
            (System.nanoTime() - t0) / 1e9, effective.string("http.host"), effective.integer("http.port"),
            p, p == 1 ? "" : "es", e, e == 1 ? "" : "s", Epoll.isAvailable() ? "epoll" : "nio", db.describe(),
            effective.string("cluster.name")),
        giveUp::countDown);
    int[] exitCode = {0};
    Thread hook = new Thread(() -> {
      supervisor.shutdown();
      db.close();
      try {
        Files.deleteIfExists(file);
        if (nodeJar != null) {
          Files.deleteIfExists(nodeJar);
        }
      } catch (Exception ignored) {
        // best effort
      }
      out.println("storefront: stopped");
      out.flush();
      Runtime.getRuntime().halt(exitCode[0]);
    }, "storefront-drain");
    Runtime.getRuntime().addShutdownHook(hook);
    supervisor.start();
    giveUp.await();
    exitCode[0] = supervisor.gaveUpOnSettings() ? 2 : 1;
    System.exit(exitCode[0]);
    return exitCode[0];
  }


  /**
   * Nodes start from a copy of the jar taken when {@code serve} starts, so that a node restarted after a crash runs
   * the same code as the others even when the jar was rebuilt or replaced meanwhile (loading classes from a jar
   * rewritten under a running JVM fails). Null when not running from a single jar (tests, an IDE).
   */
  private static Path privateCopyOfJar() throws IOException {
    String classpath = System.getProperty("java.class.path");
    if (classpath == null || classpath.contains(File.pathSeparator) || !classpath.endsWith(".jar")
        || !Files.isRegularFile(Path.of(classpath))) {
      return null;
    }
    Path copy = Files.createTempFile("storefront-node-", ".jar");
    copy.toFile().deleteOnExit();
    Files.copy(Path.of(classpath), copy, StandardCopyOption.REPLACE_EXISTING);
    return copy;
  }
}
