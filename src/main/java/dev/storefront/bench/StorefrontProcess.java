package dev.storefront.bench;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A Storefront started for a measurement ({@code java -jar storefront.jar serve ...}): started, awaited until it
 * prints its ready line, and stopped with SIGTERM (then killed, with its node processes, if it does not exit).
 */
final class StorefrontProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StorefrontProcess.class);
  private static final Pattern READY = Pattern.compile("\\bready\\b");
  private static final Pattern NOT_READY = Pattern.compile("not[ -]ready");
  static final List<String> JVM_OPTIONS = List.of("-Xmx128m", "-XX:+UseSerialGC");

  private final Process process;
  private final int port;
  private final CompletableFuture<String> ready = new CompletableFuture<>();

  /** On an interrupted bench (Ctrl-C): a paused Storefront would stay paused, and every one would outlive us. */
  private final Thread onExit;

  StorefrontProcess(Process process, int port) {
    this.process = process;
    this.port = port;
    Thread reader = new Thread(this::drainOutput, "storefront-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    onExit = new Thread(() -> {
      pause(false);
      process.destroy();
    }, "storefront-stop-" + process.pid());
    Runtime.getRuntime().addShutdownHook(onExit);
  }

  /**
   * {@code java -jar JAR serve --processes P --event-loops E --set http.port=PORT --set management.port=0 ...extra}, awaited until ready;
   * {@code eventLoops} null leaves serve's default.
   */
  static StorefrontProcess serve(Path jar, int processes, Integer eventLoops, int port, List<String> extra,
                                 Duration readyTimeout) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaCommand());
    cmd.addAll(JVM_OPTIONS);
    cmd.addAll(List.of("-jar", jar.toString(), "serve", "--processes", Integer.toString(processes)));
    if (eventLoops != null) {
      cmd.addAll(List.of("--event-loops", eventLoops.toString()));
    }
    cmd.addAll(List.of("--set", "http.port=" + port, "--set", "management.port=0")); // free ports, like http.port
    cmd.addAll(extra);
    log.info("starting {}", String.join(" ", cmd));
    StorefrontProcess sf = new StorefrontProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start(), port);
    try {
      sf.awaitReady(readyTimeout);
      return sf;
    } catch (IOException | InterruptedException | RuntimeException e) {
      sf.close();
      throw e;
    }
  }

  /**
   * The one place that decides readiness: {@code serve} prints one line containing "ready" once every node is
   * ready. Fails when the process exits first or the timeout passes.
   */
  void awaitReady(Duration timeout) throws IOException, InterruptedException {
    try {
      String line = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      log.info("storefront: {}", line);
    } catch (TimeoutException e) {
      throw new IOException("storefront serve did not report ready within " + timeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage());
    }
  }

  static boolean isReadyLine(String line) {
    // node output reaches us prefixed "[node-N]": only the supervisor's own line means every node is ready
    return !line.startsWith("[") && READY.matcher(line).find() && !NOT_READY.matcher(line).find();
  }

  private void drainOutput() {
    List<String> tail = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        log.debug("storefront: {}", line);
        if (!ready.isDone()) {
          tail.add(line);
          if (tail.size() > 20) {
            tail.remove(0);
          }
          if (isReadyLine(line)) {
            ready.complete(line);
          }
        }
      }
    } catch (IOException e) {
      log.debug("storefront output closed: {}", e.toString());
    }
    ready.completeExceptionally(new IOException("storefront serve exited before it was ready; last output:\n  "
        + String.join("\n  ", tail)));
  }

  /** Its HTTP address, {@code http://127.0.0.1:PORT}. */
  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The java launcher of the JVM running this code. */
  static String javaCommand() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The node processes (the supervisor's children), for their resident sizes. */
  List<ProcessHandle> nodes() {
    return process.children().toList();
  }

  /**
   * Stops ({@code SIGSTOP}) or resumes ({@code SIGCONT}) the supervisor and its nodes, so that a Storefront waiting
   * its turn in a comparison takes no CPU (Hazelcast heartbeats, the compiler, timers) from the one measured. Nodes
   * are resumed before the supervisor, and every node of a cluster together: keep pauses under Hazelcast's
   * {@code max.no.heartbeat.seconds} (5 s in the shipped cluster config). False when {@code kill} failed (not a
   * Unix system): then nothing is paused.
   */
  boolean pause(boolean stop) {
    List<String> cmd = new ArrayList<>(List.of("kill", stop ? "-STOP" : "-CONT"));
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    if (stop) {
      all.add(0, process.toHandle());
    } else {
      all.add(process.toHandle());
    }
    all.forEach(p -> cmd.add(Long.toString(p.pid())));
    try {
      Process kill = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      kill.getInputStream().transferTo(OutputStream.nullOutputStream());
      return kill.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** SIGTERM (the supervisor drains its nodes), then kill whatever is left after 30 s. */
  @Override
  public void close() throws InterruptedException {
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException e) {
      // the JVM is exiting: the hook stops it
    }
    pause(false); // a paused Storefront would not drain
    List<ProcessHandle> nodes = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      log.warn("storefront {} did not stop within 30 s: killing it", process.pid());
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    for (ProcessHandle node : nodes) {
      if (node.isAlive()) {
        node.destroyForcibly();
      }
    }
  }

  /** The peak resident set size (VmHWM) of a live process in MB, or null where /proc does not tell. */
  static Long peakRssMb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("no peak RSS for process {}: {}", pid, e.toString());
    }
    return null;
  }

  /** The fat jar this code runs from, or null when it runs from class directories. */
  static Path thisJar() {
    try {
      Path source = Path.of(StorefrontProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isRegularFile(source) && source.toString().endsWith(".jar") ? source : null;
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      return null;
    }
  }
}
