package dev.storefront.bench;

import dev.storefront.cluster.FreePorts;
import dev.storefront.cluster.JavaCommand;
import dev.storefront.cluster.NodeIdentity;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench race}: the lost-update race made visible across real processes. Forks P JVMs of this jar
 * ({@link RaceWorker}) into a fresh cluster and, after a common start, has each run N times (a) an unsynchronized
 * get-then-put on a clustered map, (b) a counter increment, (c) the get-then-put under a fenced lock; prints the
 * expected and actual totals and the operations per second. Exits 1 when (b) or (c) is inexact.
 */
@Command(name = "race", mixinStandardHelpOptions = true,
    description = "Race P processes on a clustered map, a counter and a lock; (b) and (c) must be exact.")
public final class RaceBenchCommand implements Callable<Integer> {

  private static final String[][] PHASES = {
      {"a", "unsynchronized get-then-put"}, {"b", "counter increments"}, {"c", "lock-protected get-then-put"}};

  @Option(names = "--processes", defaultValue = "2", description = "processes racing (default ${DEFAULT-VALUE})")
  int processes;

  @Option(names = "--increments", defaultValue = "1000", description = "operations per process and phase (default ${DEFAULT-VALUE})")
  int increments;

  @Option(names = "--concurrency", defaultValue = "1",
      description = "operations in flight per process (default ${DEFAULT-VALUE}: one after another)")
  int concurrency;

  @Option(names = "--json", description = "print the results as JSON")
  boolean json;

  @Option(names = "--timeout-seconds", defaultValue = "600", description = "give up after this long (default ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the command on its own (until it is registered under {@code storefront bench}). */
  public static void main(String[] args) {
    System.exit(new CommandLine(new RaceBenchCommand()).execute(args));
  }

  private record Worker(Process process, BufferedReader out, PrintWriter in, Path log) {
  }

  @Override
  public Integer call() throws Exception {
    if (processes < 1 || processes > 16 || increments < 1 || concurrency < 1 || concurrency > 256) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--processes must be 1..16, --increments >= 1, --concurrency 1..256");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    String runId = UUID.randomUUID().toString().substring(0, 8);
    String clusterName = "storefront-race-" + runId;
    int port = FreePorts.base(processes + 4);
    List<Worker> workers = new ArrayList<>();
    Thread killer = new Thread(() -> workers.forEach(w -> w.process.destroyForcibly()));
    Runtime.getRuntime().addShutdownHook(killer);
    try {
      for (int i = 0; i < processes; i++) {
        workers.add(fork(clusterName, port, runId, i));
      }
      for (Worker w : workers) {
        expect(w, "READY", deadline);
      }
      JsonObject results = new JsonObject();
      for (String[] phase : PHASES) {
        long start = System.nanoTime();
        workers.forEach(w -> w.in.println("GO " + phase[0]));
        Histogram latency = new Histogram(3);
        for (Worker w : workers) {
          latency.add(RaceWorker.decode(expect(w, "DONE " + phase[0], deadline).split(" ")[2]));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        workers.get(0).in.println("READ " + phase[0]);
        long actual = Long.parseLong(expect(workers.get(0), "VALUE " + phase[0], deadline).split(" ")[2]);
        long expected = (long) processes * increments;
        results.put(phase[0], new JsonObject()
            .put("what", phase[1]).put("expected", expected).put("actual", actual).put("exact", actual == expected)
            .put("opsPerSecond", Math.round(expected / seconds))
            .put("latencyMsP50", latency.getValueAtPercentile(50) / 1e6)
            .put("latencyMsP99", latency.getValueAtPercentile(99) / 1e6));
      }
      workers.forEach(w -> w.in.println("EXIT"));
      print(results);
      boolean exact = results.getJsonObject("b").getBoolean("exact") && results.getJsonObject("c").getBoolean("exact");
      return exact ? 0 : 1;
    } catch (RuntimeException e) {
      spec.commandLine().getErr().println("race: " + e.getMessage());
      for (Worker w : workers) {
        spec.commandLine().getErr().println("--- " + w.log + " (last lines)");
        List<String> lines = Files.readAllLines(w.log);
        lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(spec.commandLine().getErr()::println);
      }
      return 1; // a failure at run time, as for every command (2 is for usage errors)
    } finally {
      for (Worker w : workers) {
        if (!w.process.waitFor(10, TimeUnit.SECONDS)) {
          w.process.destroyForcibly();
        }
        Files.deleteIfExists(w.log);
      }
      Runtime.getRuntime().removeShutdownHook(killer);
    }
  }

  private Worker fork(String clusterName, int port, String runId, int index) throws Exception {
    String jar = new File(RaceBenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    List<String> command = JavaCommand.jvm().options("-Xms32m", "-Xmx192m", "-XX:+UseSerialGC").clusterFlags()
        .property(NodeIdentity.NAME_PROPERTY, "race-" + index)
        .classpath(jar, RaceWorker.class.getName(), List.of(clusterName, String.valueOf(port), String.valueOf(processes),
            String.valueOf(increments), runId, String.valueOf(concurrency)))
        .toList();
    Path log = Files.createTempFile("storefront-race-" + index + "-", ".log");
    Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
    return new Worker(p,
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)),
        new PrintWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8), true), log);
  }

  /** The next protocol line of {@code w}, which must start with {@code RACE <what>}. */
  private static String expect(Worker w, String what, long deadline) throws Exception {
    String line;
    do {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      line = w.out.readLine();
      if (line == null) {
        throw new IllegalStateException("a race process exited early (waiting for " + what + ")");
      }
    } while (!line.startsWith(RaceWorker.PREFIX));
    String body = line.substring(RaceWorker.PREFIX.length());
    if (!body.startsWith(what)) {
      throw new IllegalStateException("expected " + what + ", got: " + body);
    }
    return body;
  }

  private void print(JsonObject results) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new JsonObject().put("processes", processes).put("increments", increments)
          .put("concurrency", concurrency).put("phases", results).encodePrettily());
    } else {
      out.printf(Locale.ROOT, "race: %d processes x %d operations per phase, %d in flight per process%n",
          processes, increments, concurrency);
      for (String[] phase : PHASES) {
        JsonObject r = results.getJsonObject(phase[0]);
        long lost = r.getLong("expected") - r.getLong("actual");
        out.printf(Locale.ROOT, "(%s) %-28s expected %8d  actual %8d  %-14s %8d ops/s  p50 %.2f ms  p99 %.2f ms%n",
            phase[0], phase[1], r.getLong("expected"), r.getLong("actual"),
            lost == 0 ? "exact" : "lost " + lost, r.getLong("opsPerSecond"),
            r.getDouble("latencyMsP50"), r.getDouble("latencyMsP99"));
      }
    }
    out.flush();
  }
}
