package dev.storefront.bench;

import dev.storefront.cluster.JavaCommand;
import dev.storefront.db.DatabaseUrl;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Storefront process ({@code java -jar storefront.jar ...}, usually {@code serve}): the one launcher, used by the
 * bench commands and by the integration tests. Its output is kept line by line (the last {@value #KEPT_LINES}) and
 * can be awaited; it is stopped with SIGTERM (then killed, with its node processes, if it does not exit).
 */
public final class StorefrontProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StorefrontProcess.class);
  private static final Pattern READY = Pattern.compile("\\bready\\b");
  private static final Pattern NOT_READY = Pattern.compile("not[ -]ready");
  private static final Pattern NODE_STARTED = Pattern.compile("started (node-\\S+) \\(pid (\\d+)\\)");
  static final int KEPT_LINES = 10_000;
  static final List<String> JVM_OPTIONS = List.of("-Xmx128m", "-XX:+UseSerialGC");

  private final Process process;
  private final String host;
  private final int port;
  private final Object lock = new Object();
  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Map<String, Long> nodePids = new TreeMap<>();
  private boolean ended;
  private final CompletableFuture<String> ready;

  /** On an interrupted bench (Ctrl-C): a paused Storefront would stay paused, and every one would outlive us. */
  private final Thread onExit;

  private record Waiter(Predicate<String> matches, CompletableFuture<String> found) {
  }

  StorefrontProcess(Process process, int port) {
    this(process, "127.0.0.1", port);
  }

  private StorefrontProcess(Process process, String host, int port) {
    this.process = process;
    this.host = host;
    this.port = port;
    this.ready = line(StorefrontProcess::isReadyLine);
    Thread reader = new Thread(this::drainOutput, "storefront-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    onExit = new Thread(() -> {
      pause(false);
      process.toHandle().destroy();
    }, "storefront-stop-" + process.pid());
    Runtime.getRuntime().addShutdownHook(onExit);
  }

  /**
   * Starts {@code java -jar JAR args...} (with this launcher's JVM options) and returns at once; {@code port} is
   * the HTTP port the arguments give it, for {@link #url()}.
   */
  public static StorefrontProcess start(Path jar, List<String> args, int port) throws IOException {
    return start(List.of(), jar, args, "127.0.0.1", port);
  }

  /**
   * As {@link #start(Path, List, int)}, the command run behind {@code prefix} (such as {@code ip netns exec NS}),
   * answering HTTP on {@code host}.
   */
  public static StorefrontProcess start(List<String> prefix, Path jar, List<String> args, String host, int port)
      throws IOException {
    Launch launch = Launch.of(args);
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(JavaCommand.jvm().options(JVM_OPTIONS).jar(jar, launch.args()).toList());
    log.info("starting {}{}", String.join(" ", masked(cmd)),
        launch.env().isEmpty() ? "" : " (with " + String.join(", ", launch.env().keySet()) + " in its environment)");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(launch.env());
    return new StorefrontProcess(pb.start(), host, port);
  }

  /** The environment variable a Storefront reads {@code db.url} from. */
  static final String DB_URL_ENV = "STOREFRONT_DB_URL";

  /**
   * The arguments of a Storefront to start, and what goes into its environment instead: a database URL
   * ({@code --db-url URL}, {@code --db-url=URL}, {@code --set db.url=URL}) travels as {@value #DB_URL_ENV}, since a
   * command line is readable by every user of the machine ({@code /proc/PID/cmdline}, {@code ps}) and gets logged.
   * The environment ranks below command-line settings and above a settings file, as {@code --db-url} does there.
   */
  record Launch(List<String> args, Map<String, String> env) {

    static Launch of(List<String> args) {
      List<String> kept = new ArrayList<>();
      Map<String, String> env = new TreeMap<>();
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (a.equals("--db-url") && i + 1 < args.size()) {
          env.put(DB_URL_ENV, args.get(++i));
        } else if (a.startsWith("--db-url=")) {
          env.put(DB_URL_ENV, a.substring("--db-url=".length()));
        } else if (a.equals("--set") && i + 1 < args.size() && args.get(i + 1).startsWith("db.url=")) {
          env.put(DB_URL_ENV, args.get(++i).substring("db.url=".length()));
        } else {
          kept.add(a);
        }
      }
      return new Launch(List.copyOf(kept), Map.copyOf(env));
    }
  }

  /** Each word of a command with any URL's password masked ({@link DatabaseUrl#masked}): safe to print. */
  static List<String> masked(List<String> command) {
    return command.stream().map(DatabaseUrl::masked).toList();
  }

  /**
   * {@code java -jar JAR serve --processes P --event-loops E --set http.port=PORT --set management.port=0 ...extra}, awaited until ready;
   * {@code eventLoops} null leaves serve's default.
   */
  static StorefrontProcess serve(Path jar, int processes, Integer eventLoops, int port, List<String> extra,
                                 Duration readyTimeout) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("serve", "--processes", Integer.toString(processes)));
    if (eventLoops != null) {
      args.addAll(List.of("--event-loops", eventLoops.toString()));
    }
    args.addAll(List.of("--set", "http.port=" + port, "--set", "management.port=0")); // free ports, like http.port
    args.addAll(extra);
    StorefrontProcess sf = start(jar, args, port);
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
      throw new IOException("storefront serve exited before it was ready; last output:\n  "
          + String.join("\n  ", tail(20)));
    }
  }

  static boolean isReadyLine(String line) {
    // node output reaches us prefixed "[node-N]": only the supervisor's own line means every node is ready
    return !line.startsWith("[") && READY.matcher(line).find() && !NOT_READY.matcher(line).find();
  }

  private void drainOutput() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        log.debug("storefront: {}", line);
        received(line);
      }
    } catch (IOException e) {
      log.debug("storefront output closed: {}", e.toString());
    }
    synchronized (lock) {
      ended = true;
      waiters.forEach(w -> w.found().completeExceptionally(new IOException("storefront exited")));
      waiters.clear();
    }
  }

  private void received(String line) {
    Matcher started = NODE_STARTED.matcher(line);
    synchronized (lock) {
      lines.addLast(line);
      if (lines.size() > KEPT_LINES) {
        lines.removeFirst();
      }
      if (started.find()) {
        nodePids.put(started.group(1), Long.parseLong(started.group(2)));
      }
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (w.matches().test(line)) {
          w.found().complete(line);
          it.remove();
        }
      }
    }
  }

  /**
   * The first output line (kept or still to come) that matches; fails when the output ends without one. The
   * future completes on the output reader's thread.
   */
  public CompletableFuture<String> line(Predicate<String> matches) {
    synchronized (lock) {
      for (String l : lines) {
        if (matches.test(l)) {
          return CompletableFuture.completedFuture(l);
        }
      }
      CompletableFuture<String> found = new CompletableFuture<>();
      if (ended) {
        found.completeExceptionally(new IOException("storefront exited"));
      } else {
        waiters.add(new Waiter(matches, found));
      }
      return found;
    }
  }

  /** Whether a line containing {@code text} was or is printed within {@code within}; false once the output ends without it. */
  public boolean awaitLine(String text, Duration within) {
    try {
      line(l -> l.contains(text)).get(within.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The output lines so far (the last {@value #KEPT_LINES}). */
  public List<String> lines() {
    synchronized (lock) {
      return List.copyOf(lines);
    }
  }

  private List<String> tail(int n) {
    List<String> all = lines();
    return all.subList(Math.max(0, all.size() - n), all.size());
  }

  /** The output so far, one string. */
  public String output() {
    return String.join("\n", lines());
  }

  /** The PIDs of the node processes the supervisor started, by node name (the latest of each), from its "started node-i (pid N)" lines. */
  public List<Long> nodePids() {
    synchronized (lock) {
      return new ArrayList<>(nodePids.values());
    }
  }

  public Process process() {
    return process;
  }

  /** The address its HTTP port is on (127.0.0.1 unless started for another host). */
  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** Its HTTP address, {@code http://HOST:PORT}. */
  public String url() {
    return "http://" + host + ":" + port;
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

  /**
   * SIGTERM: {@code serve} drains its nodes and exits. Unlike {@link Process#destroy()} it leaves the output
   * stream open, so the lines printed while draining are still read.
   */
  public void sigterm() {
    process.toHandle().destroy();
  }

  /** Whether the process exited within {@code within}. */
  public boolean awaitExit(Duration within) throws InterruptedException {
    return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
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
    sigterm();
    if (!awaitExit(Duration.ofSeconds(30))) {
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
