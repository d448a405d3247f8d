package dev.storefront.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Several test hosts on one machine: one network namespace per host, each with one address on a bridge in the
 * test's own namespace, which holds the bridge's address {@link #gateway()} (where the test's clients and its
 * PostgreSQL proxy live). Faults: a host's link down, traffic between two hosts dropped (one or both ways, with
 * iptables), a host's processes paused or killed. {@link #close()} removes everything, also from a JVM shutdown
 * hook, and a new harness first removes what a crashed run of the same name left.
 *
 * <p>Needs root and {@code ip} (iproute2); one-way cuts also need {@code iptables}. {@link #unsupportedReason()}
 * says why a machine cannot run it, so that tests skip with that message.
 */
public final class NetHosts implements AutoCloseable {

  private final int subnet;
  private final List<Host> hosts = new ArrayList<>();
  private final Thread hook = new Thread(this::removeQuietly, "net-hosts-cleanup");
  private boolean closed;

  /** One host: a namespace and its address. */
  public final class Host {
    private final int index;

    private Host(int index) {
      this.index = index;
    }

    /** 1-based. */
    public int index() {
      return index;
    }

    public String namespace() {
      return "sf" + subnet + "h" + index;
    }

    public String address() {
      return "10.77." + subnet + "." + index;
    }

    String outerLink() {
      return "sf" + subnet + "v" + index;
    }

    String innerLink() {
      return "sf" + subnet + "e" + index;
    }

    /** {@code command} run inside this host's namespace. */
    public List<String> command(List<String> command) {
      List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace()));
      full.addAll(command);
      return full;
    }

    /** The PIDs of every process in this host's namespace. */
    public List<Long> pids() {
      List<Long> pids = new ArrayList<>();
      for (String line : output("ip", "netns", "pids", namespace()).split("\\s+")) {
        if (!line.isBlank()) {
          pids.add(Long.parseLong(line.trim()));
        }
      }
      return pids;
    }

    /** Takes this host's link down: it reaches nobody, and nobody reaches it. */
    public void linkDown() {
      run("ip", "link", "set", outerLink(), "down");
    }

    public void linkUp() {
      run("ip", "link", "set", outerLink(), "up");
    }

    /** Drops every packet from {@code other} arriving at this host (this host can still send to it). */
    public void dropFrom(Host other) {
      run(command(List.of("iptables", "-w", "-A", "INPUT", "-s", other.address(), "-j", "DROP")));
    }

    /** Drops traffic between this host and {@code other}, both ways. */
    public void cutFrom(Host other) {
      dropFrom(other);
      other.dropFrom(this);
    }

    /** Removes this host's packet filters. */
    public void clearFilters() {
      run(command(List.of("iptables", "-w", "-F", "INPUT")));
    }

    /** SIGSTOP (pause) or SIGCONT (resume) or SIGKILL to every process of this host. */
    public void signal(String signal) {
      for (long pid : pids()) {
        runQuietly("kill", "-" + signal, Long.toString(pid));
      }
    }
  }

  private NetHosts(int count) {
    this.subnet = 20 + (int) (ProcessHandle.current().pid() % 200);
    removeQuietly();
    Runtime.getRuntime().addShutdownHook(hook);
    run("ip", "link", "add", bridge(), "type", "bridge");
    run("ip", "addr", "add", gateway() + "/24", "dev", bridge());
    run("ip", "link", "set", bridge(), "up");
    for (int i = 1; i <= count; i++) {
      Host h = new Host(i);
      hosts.add(h);
      run("ip", "netns", "add", h.namespace());
      run("ip", "link", "add", h.outerLink(), "type", "veth", "peer", "name", h.innerLink());
      run("ip", "link", "set", h.innerLink(), "netns", h.namespace());
      run("ip", "link", "set", h.outerLink(), "master", bridge());
      run("ip", "link", "set", h.outerLink(), "up");
      run(h.command(List.of("ip", "addr", "add", h.address() + "/24", "dev", h.innerLink())));
      run(h.command(List.of("ip", "link", "set", h.innerLink(), "up")));
      run(h.command(List.of("ip", "link", "set", "lo", "up")));
    }
  }

  /** Makes {@code count} hosts; call {@link #unsupportedReason()} first. */
  public static NetHosts create(int count) {
    return new NetHosts(count);
  }

  /** Why this machine cannot run network-namespace hosts, or {@code null} when it can. */
  public static String unsupportedReason() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "multi-host tests need root (network namespaces); running as " + System.getProperty("user.name");
    }
    if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
        && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
      return "multi-host tests need iproute2's ip command";
    }
    String probe = "sfprobe" + ProcessHandle.current().pid();
    try {
      run("ip", "netns", "add", probe);
      run("ip", "netns", "del", probe);
    } catch (RuntimeException e) {
      return "cannot create a network namespace here: " + e.getMessage();
    }
    return null;
  }

  /** Whether one-way cuts are possible ({@code iptables} is installed). */
  public static boolean hasIptables() {
    return Files.isExecutable(Path.of("/usr/sbin/iptables")) || Files.isExecutable(Path.of("/sbin/iptables"));
  }

  public List<Host> hosts() {
    return hosts;
  }

  public Host host(int index) {
    return hosts.get(index - 1);
  }

  /** The test's own address on the bridge: every host reaches it, also while hosts are cut from each other. */
  public String gateway() {
    return "10.77." + subnet + ".254";
  }

  /** All hosts' addresses, comma-separated (a {@code cluster.members} value). */
  public String addresses() {
    List<String> all = new ArrayList<>();
    hosts.forEach(h -> all.add(h.address()));
    return String.join(",", all);
  }

  /** Undoes every fault: links up, filters cleared, paused processes resumed. */
  public void heal() {
    for (Host h : hosts) {
      h.linkUp();
      if (hasIptables()) {
        h.clearFilters();
      }
      h.signal("CONT");
    }
  }

  private String bridge() {
    return "sf" + subnet + "b";
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    removeQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // the JVM is shutting down: the hook is running
    }
  }

  /** Kills every process in the hosts' namespaces, then deletes the namespaces (and their links) and the bridge. */
  private void removeQuietly() {
    for (int i = 1; i <= 16; i++) {
      String ns = "sf" + subnet + "h" + i;
      String pids = outputQuietly("ip", "netns", "pids", ns);
      for (String pid : pids.split("\\s+")) {
        if (!pid.isBlank()) {
          runQuietly("kill", "-9", pid.trim());
        }
      }
      runQuietly("ip", "netns", "del", ns);
      runQuietly("ip", "link", "del", "sf" + subnet + "v" + i);
    }
    runQuietly("ip", "link", "del", bridge());
  }

  private static void run(String... command) {
    run(List.of(command));
  }

  private static void run(List<String> command) {
    String out = exec(command, true);
    if (out != null) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }

  private static void runQuietly(String... command) {
    exec(List.of(command), false);
  }

  /** Runs {@code command}; returns null on success, else its output (and exit code). */
  private static String exec(List<String> command, boolean wantErrors) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "timed out";
      }
      return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    } catch (IOException e) {
      return wantErrors ? e.getMessage() : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static String output(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String outputQuietly(String... command) {
    try {
      return output(command);
    } catch (RuntimeException e) {
      return "";
    }
  }
}
