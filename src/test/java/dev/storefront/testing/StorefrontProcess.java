package dev.storefront.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code java -jar storefront.jar ...} process for integration tests (the fat jar built by
 * {@code package}), its output collected line by line, on a free HTTP port and a cluster of its own.
 */
public final class StorefrontProcess implements AutoCloseable {

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final String host;
  private final int port;

  private StorefrontProcess(Process process, String host, int port) {
    this.process = process;
    this.host = host;
    this.port = port;
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
          if (System.getenv("STOREFRONT_TEST_VERBOSE") != null) {
            System.out.println("  | " + line);
          }
        }
      } catch (IOException ignored) {
        // process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
  }

  public static Path jar() {
    String jar = System.getProperty("storefront.jar", "target/storefront.jar");
    return Path.of(jar);
  }

  /** Starts {@code storefront <args>} with the given port; the caller adds cluster and database settings. */
  public static StorefrontProcess start(int port, List<String> args) throws IOException {
    return start(jar(), port, args);
  }

  /** As {@link #start(int, List)}, from another copy of the fat jar. */
  public static StorefrontProcess start(Path jar, int port, List<String> args) throws IOException {
    return start(List.of(), "127.0.0.1", jar, port, args);
  }

  /**
   * As {@link #start(Path, int, List)}, the command run behind {@code prefix} (such as {@code ip netns exec NS}),
   * answering HTTP on {@code host}.
   */
  public static StorefrontProcess start(List<String> prefix, String host, Path jar, int port, List<String> args)
      throws IOException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", jar.toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    return new StorefrontProcess(pb.start(), host, port);
  }

  /** Settings every test cluster needs: its own cluster name and Hazelcast port range, and free management ports. */
  public static List<String> isolated(String clusterName, int clusterPort) {
    // members without a port are probed from cluster.port upwards (hazelcast.tcp.join.port.try.count in cluster.xml)
    return List.of("--set", "cluster.name=" + clusterName, "--set", "cluster.port=" + clusterPort,
        "--set", "management.port=0");
  }

  public boolean awaitLine(String contains, Duration within) {
    return Http.eventually(within, () -> lines.stream().anyMatch(l -> l.contains(contains)) || !process.isAlive())
        && lines.stream().anyMatch(l -> l.contains(contains));
  }

  public List<String> lines() {
    return lines;
  }

  public String output() {
    return String.join("\n", lines);
  }

  public Process process() {
    return process;
  }

  public int port() {
    return port;
  }

  public Http http() {
    return new Http(host, port);
  }

  /** PIDs of the node processes the supervisor started, latest first per name, from its "started node-i (pid N)" lines. */
  public List<Long> nodePids() {
    Pattern p = Pattern.compile("started (node-\\d+) \\(pid (\\d+)\\)");
    java.util.Map<String, Long> latest = new java.util.TreeMap<>();
    for (String l : lines) {
      Matcher m = p.matcher(l);
      if (m.find()) {
        latest.put(m.group(1), Long.parseLong(m.group(2)));
      }
    }
    return new ArrayList<>(latest.values());
  }

  /** A response read off a new connection: status line, the X-Storefront-Node value, the body. */
  public record Reply(int status, String node, String body) {
  }

  /** One GET on a new connection (so SO_REUSEPORT picks a process each time). */
  public Reply getOnNewConnection(String path) throws IOException {
    try (Socket s = new Socket(host, port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int headEnd = response.indexOf("\r\n\r\n");
      if (!response.startsWith("HTTP/1.1 ") || headEnd < 0) {
        throw new IOException("no HTTP response: " + response);
      }
      String node = null;
      for (String line : response.substring(0, headEnd).split("\r\n")) {
        if (line.toLowerCase().startsWith("x-storefront-node:")) {
          node = line.substring(line.indexOf(':') + 1).trim();
        }
      }
      return new Reply(Integer.parseInt(response.substring(9, 12)), node, response.substring(headEnd + 4));
    }
  }

  /** The X-Storefront-Node value of a successful GET on a new connection. */
  public String nodeOfNewConnection(String path) throws IOException {
    Reply r = getOnNewConnection(path);
    if (r.status() != 200 || r.node() == null) {
      throw new IOException("status " + r.status() + ", node " + r.node());
    }
    return r.node();
  }

  public static void kill9(long pid) throws Exception {
    new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor();
  }

  public void sigterm() throws Exception {
    new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start().waitFor();
  }

  public boolean awaitExit(Duration within) throws InterruptedException {
    return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
