package dev.storefront.bench;

import dev.storefront.config.Settings;
import dev.storefront.db.Database;
import dev.storefront.jobs.JobApiClient;
import dev.storefront.jobs.NgramGenerator;
import dev.storefront.cluster.FreePorts;
import dev.storefront.cluster.JavaCommand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code storefront bench wordcount}: word-count job seconds with 1 and with 2 workers per node, in three layouts:
 * {@code standalone} ({@code wordcount FILE --workers K --json}, a fresh JVM each run), {@code node} (one warm
 * {@code serve --processes 1}) and {@code cluster} (a warm {@code serve --processes 2}).
 * <p>
 * How a comparison is measured: the 1-worker and the 2-worker variant run side by side and take turns, job by job,
 * in alternating order, so that the machine's drift (here its speed moved by up to 40 % within minutes) falls on
 * both alike; the ratio of each pair is the speed-up, and the report gives their median. A Storefront waiting its
 * turn is paused with SIGSTOP: idle, it still spends CPU (Hazelcast's heartbeats, the compiler finishing lukewarm
 * code, timers), and on 2 cores that CPU came out of the other one's job (in the same minutes, a warm 2-worker
 * node's 40M-line jobs took 0.540 s beside a running 1-worker node, 0.445 s beside a paused one).
 * Paused, each job has the machine to itself, as when one Storefront runs alone.
 */
@Command(name = "wordcount", mixinStandardHelpOptions = true,
    description = {"Word-count job seconds with 1 and 2 workers per node: standalone (a fresh JVM per run), one warm "
        + "node, a warm 2-node cluster; speed-up = median of the ratios of alternating pairs.",
        "Files default to generated 1-gram files (--lines) in --data-dir, written if missing. Writes <out>/wordcount.json."})
public final class WordCountBenchCommand implements Callable<Integer> {

  static final List<String> LAYOUTS = List.of("standalone", "node", "cluster");

  @Spec
  CommandSpec spec;

  @Mixin
  LaunchOptions launch;

  @Option(names = "--file", paramLabel = "FILE", description = "a 1-gram file to count (repeatable; all in one directory)")
  List<Path> files = new ArrayList<>();

  @Option(names = "--lines", defaultValue = "4000000,40000000", split = ",", paramLabel = "N,N",
      description = "without --file: generated files of these many lines (default ${DEFAULT-VALUE})")
  List<Long> lines;

  @Option(names = "--data-dir", defaultValue = "target/data", paramLabel = "DIR",
      description = "where generated files are kept (default ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(names = "--layouts", defaultValue = "standalone,node,cluster", split = ",", paramLabel = "L,L",
      description = "which of standalone, node, cluster (default ${DEFAULT-VALUE})")
  List<String> layouts;

  @Option(names = "--warmup", defaultValue = "30", paramLabel = "N",
      description = {"unmeasured jobs per file on each Storefront before the pairs (default ${DEFAULT-VALUE}: a node's "
          + "compiler still spent 55-80 ms of CPU per 40M-line job after 25 jobs, 15 ms after 60)"})
  int warmup;

  @Option(names = "--pairs", defaultValue = "10", paramLabel = "N",
      description = "measured pairs per file, node and cluster layouts (default ${DEFAULT-VALUE})")
  int pairs;

  @Option(names = "--standalone-pairs", defaultValue = "5", paramLabel = "N",
      description = "measured pairs per file, standalone (default ${DEFAULT-VALUE})")
  int standalonePairs;

  @Option(names = "--standalone-java-options", paramLabel = "OPTS",
      description = "JVM options of the standalone runs, space-separated (default: none, as `java -jar` runs it)")
  String standaloneJavaOptions;

  @Option(names = "--no-pause", description = "let the Storefront waiting its turn run instead of pausing it (SIGSTOP)")
  boolean noPause;

  @Option(names = "--job-timeout", defaultValue = "10m", converter = DurationConverter.class, paramLabel = "T",
      description = "time a standalone run gets (default ${DEFAULT-VALUE})")
  Duration jobTimeout;

  @Option(names = "--out", defaultValue = "target/bench", paramLabel = "DIR", description = "report directory (default ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--json", description = "print wordcount.json's content instead of the table")
  boolean json;

  private PrintWriter progress;
  /** Where the JVMs measured write their GC logs (for their peak heap); removed at the end. */
  private Path gcLogs;
  private int standaloneRuns;

  @Override
  public Integer call() throws Exception {
    Path storefront = launch.jar(spec);
    if (!LAYOUTS.containsAll(layouts) || layouts.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--layouts takes standalone, node and cluster, got " + layouts);
    }
    if (warmup < 0 || pairs < 1 || standalonePairs < 1 || lines.stream().anyMatch(n -> n < 1)) {
      throw new ParameterException(spec.commandLine(),
          "--pairs, --standalone-pairs and every --lines must be at least 1, --warmup at least 0");
    }
    progress = spec.commandLine().getErr();
    List<Path> inputs = inputs();
    JsonArray comparisons = new JsonArray();
    int failed = 0;
    gcLogs = Files.createTempDirectory("storefront-bench-gc");
    try {
      for (String layout : layouts) {
        for (JsonObject c : layout.equals("standalone") ? standalone(storefront, inputs) : warm(storefront, inputs, layout)) {
          comparisons.add(c);
          failed += c.containsKey("error") ? 1 : 0;
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(gcLogs)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    JsonObject data = new JsonObject()
        .put("settings", new JsonObject().put("warmupJobs", warmup).put("pairs", pairs)
            .put("standalonePairs", standalonePairs).put("paused", !noPause)
            .put("standaloneJavaOptions", standaloneJavaOptions == null ? "" : standaloneJavaOptions.trim()))
        .put("comparisons", comparisons);
    Files.createDirectories(out);
    Files.writeString(out.resolve("wordcount.json"), data.encodePrettily());
    // the "error rate" of this command: the share of comparisons where a job failed (see "error" in the report)
    return BenchOutput.report(spec, json, "bench wordcount", data, table(comparisons),
        (double) failed / comparisons.size(), 0);
  }

  /** The files to count: --file as given, else generated ones (written once, kept in --data-dir). */
  private List<Path> inputs() throws IOException {
    List<Path> result = new ArrayList<>();
    if (files.isEmpty()) {
      Files.createDirectories(dataDir);
      for (long n : lines) {
        Path f = dataDir.resolve("1gram-" + linesLabel(n) + ".tsv");
        if (!Files.isRegularFile(f)) {
          progress.printf("bench wordcount: writing %s (%d lines)%n", f, n);
          progress.flush();
          Path tmp = f.resolveSibling(f.getFileName() + ".part");
          try (OutputStream o = Files.newOutputStream(tmp)) {
            NgramGenerator.write(n, 1, o);
          }
          Files.move(tmp, f);
        }
        result.add(f.toRealPath());
      }
    } else {
      for (Path f : files) {
        if (!Files.isRegularFile(f)) {
          throw new ParameterException(spec.commandLine(), "no such file: " + f);
        }
        result.add(f.toRealPath());
      }
    }
    if (result.stream().map(Path::getParent).distinct().count() > 1) {
      throw new ParameterException(spec.commandLine(), "the files must be in one directory (the nodes' jobs.dataDir): " + result);
    }
    return result;
  }

  /** 4000000 -> "4m", 40000000 -> "40m", 1500 -> "1500". */
  static String linesLabel(long n) {
    return n >= 1_000_000 && n % 1_000_000 == 0 ? n / 1_000_000 + "m" : Long.toString(n);
  }

  // ---------------------------------------------------------------- standalone

  private List<JsonObject> standalone(Path storefront, List<Path> inputs) throws InterruptedException {
    List<JsonObject> result = new ArrayList<>();
    for (Path file : inputs) {
      Comparison c = new Comparison("standalone", file);
      for (int i = 0; i < standalonePairs && c.error == null; i++) {
        for (int workers : order(i)) {
          try {
            c.add(workers, runStandalone(storefront, file, workers));
          } catch (IOException e) {
            c.error = "wordcount --workers " + workers + ": " + e.getMessage();
            break;
          }
        }
        note(c, i);
      }
      result.add(c.toJson());
    }
    return result;
  }

  /** One {@code java -jar JAR wordcount FILE --workers K --json}: its JSON, plus {@code peakRssMb} and {@code peakHeapMb}. */
  private JsonObject runStandalone(Path storefront, Path file, int workers) throws IOException, InterruptedException {
    JavaCommand java = JavaCommand.jvm();
    if (standaloneJavaOptions != null && !standaloneJavaOptions.isBlank()) {
      java.options(standaloneJavaOptions.trim().split("\\s+"));
    }
    Path gcLog = gcLogs.resolve("standalone-" + ++standaloneRuns + ".log");
    List<String> cmd = java.options(GcLog.option(gcLog))
        .jar(storefront, List.of("wordcount", file.toString(), "--workers", Integer.toString(workers), "--json"))
        .toList();
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.nanoTime() + jobTimeout.toNanos();
    Long peak = null;
    byte[] output;
    try {
      // read the peak resident size while the JVM lives: it is gone with the process
      while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
        Long now = StorefrontProcess.peakRssMb(p.pid());
        peak = now != null ? now : peak;
        if (System.nanoTime() > deadline) {
          throw new IOException("not finished within " + jobTimeout.toSeconds() + " s");
        }
      }
      output = p.getInputStream().readAllBytes();
    } finally {
      p.destroyForcibly();
    }
    String text = new String(output, StandardCharsets.UTF_8).trim();
    if (p.exitValue() != 0 || !text.startsWith("{")) {
      throw new IOException("exit " + p.exitValue() + ": " + text);
    }
    JsonObject answer = new JsonObject(text.substring(0, text.lastIndexOf('}') + 1));
    answer.put("peakRssMb", peak).put("peakHeapMb", GcLog.peakHeapMb(gcLog));
    return answer;
  }

  // ---------------------------------------------------------------- warm Storefronts

  private List<JsonObject> warm(Path storefront, List<Path> inputs, String layout) throws Exception {
    int processes = layout.equals("cluster") ? 2 : 1;
    Settings settings = launch.settings();
    Map<Path, Comparison> byFile = new HashMap<>();
    inputs.forEach(f -> byFile.put(f, new Comparison(layout, f)));
    try (Database db = Database.open(settings);
         StorefrontProcess one = start(storefront, settings, db, inputs, layout, processes, 1);
         StorefrontProcess two = start(storefront, settings, db, inputs, layout, processes, 2)) {
      Map<Integer, StorefrontProcess> serves = Map.of(1, one, 2, two);
      Map<Integer, JobApiClient> clients = Map.of(1, new JobApiClient(one.url()), 2, new JobApiClient(two.url()));
      int current = 2; // the one running; the other is paused
      boolean paused = !noPause && one.pause(true);
      if (!noPause && !paused) {
        progress.println("bench wordcount: cannot pause with SIGSTOP here: both Storefronts run throughout");
      }
      for (int round = 0; round < warmup + pairs; round++) {
        for (Path file : inputs) {
          Comparison c = byFile.get(file);
          for (int workers : order(round)) {
            if (paused && workers != current) {
              serves.get(current).pause(true);
              serves.get(workers).pause(false);
              current = workers;
            }
            JsonObject end = clients.get(workers).run(jobRequest(file), s -> { });
            if (!"succeeded".equals(end.getString("state"))) {
              c.error = layout + ", " + workers + " worker(s): " + end.getString("error", end.getString("state"));
            } else if (round >= warmup) {
              c.add(workers, end);
            }
          }
          if (round >= warmup) {
            note(c, round - warmup);
          }
        }
        if (byFile.values().stream().anyMatch(c -> c.error != null)) {
          break;
        }
      }
      serves.get(current).pause(false);
      for (int workers : List.of(1, 2)) {
        long peak = serves.get(workers).nodes().stream().map(n -> StorefrontProcess.peakRssMb(n.pid()))
            .filter(Objects::nonNull).mapToLong(Long::longValue).max().orElse(-1);
        byFile.values().forEach(c -> c.peakRssMb.put(workers, peak < 0 ? null : peak));
      }
    }
    for (int workers : List.of(1, 2)) { // the nodes wrote their heap at exit: the serves are stopped now
      Long peak = null;
      try (Stream<Path> logs = Files.list(nodeGcLogs(layout, workers))) {
        for (Path log : logs.toList()) {
          Long p = GcLog.peakHeapMb(log);
          peak = p == null ? peak : peak == null ? p : Math.max(peak, p);
        }
      }
      Long nodesPeak = peak;
      byFile.values().forEach(c -> c.peakHeapMb.put(workers, nodesPeak));
    }
    List<JsonObject> result = new ArrayList<>();
    inputs.forEach(f -> result.add(byFile.get(f).toJson()));
    return result;
  }

  private StorefrontProcess start(Path storefront, Settings settings, Database db, List<Path> inputs, String layout,
                                  int processes, int workers) throws IOException, InterruptedException {
    String cluster = "bench-wordcount-" + ProcessHandle.current().pid() + "-" + processes + "x" + workers;
    progress.printf("bench wordcount: starting serve --processes %d with %d worker(s) per node%n", processes, workers);
    progress.flush();
    Path logs = Files.createDirectories(nodeGcLogs(layout, workers));
    String jvmOptions = settings.string("node.jvmOptions").trim();
    if (logs.toString().chars().anyMatch(Character::isWhitespace)) { // node.jvmOptions is split at whitespace
      progress.println("bench wordcount: the temporary directory's path has a space: no peak heap for the nodes");
    } else {
      jvmOptions += " " + GcLog.option(logs.resolve("node-%p.log"));
    }
    return StorefrontProcess.serve(storefront, processes, null, FreePorts.any(), List.of("--db-url", db.url().uri(),
        "--set", "jobs.workersPerNode=" + workers, "--set", "jobs.dataDir=" + inputs.get(0).getParent(),
        "--set", "cluster.name=" + cluster, "--set", "cluster.port=" + FreePorts.base(8),
        "--set", "node.jvmOptions=" + jvmOptions), launch.readyTimeout);
  }

  private Path nodeGcLogs(String layout, int workers) {
    return gcLogs.resolve(layout + "-" + workers);
  }

  private static JsonObject jobRequest(Path file) {
    return new JsonObject().put("source", new JsonObject().put("type", "ngrams").put("path", file.getFileName().toString()));
  }

  /** 1 then 2 workers in even rounds, 2 then 1 in odd ones. */
  private static List<Integer> order(int round) {
    return round % 2 == 0 ? List.of(1, 2) : List.of(2, 1);
  }

  private void note(Comparison c, int pair) {
    if (c.error == null && c.seconds.get(2).size() > pair) {
      progress.printf(Locale.ROOT, "bench wordcount: %s %s pair %d: %.3f s / %.3f s = %.2fx%n", c.layout,
          c.file.getFileName(), pair + 1, c.seconds.get(1).get(pair), c.seconds.get(2).get(pair),
          c.seconds.get(1).get(pair) / c.seconds.get(2).get(pair));
      progress.flush();
    }
  }

  // ---------------------------------------------------------------- figures

  /** One layout and file: the jobs of both variants, pair by pair. */
  static final class Comparison {
    final String layout;
    final Path file;
    final long bytes;
    final Map<Integer, List<Double>> seconds = Map.of(1, new ArrayList<>(), 2, new ArrayList<>());
    final Map<Integer, List<Double>> reduceShares = Map.of(1, new ArrayList<>(), 2, new ArrayList<>());
    final Map<Integer, Long> peakRssMb = new HashMap<>();
    final Map<Integer, Long> peakHeapMb = new HashMap<>();
    Long lines;
    String error;

    Comparison(String layout, Path file) {
      this.layout = layout;
      this.file = file;
      long size;
      try {
        size = Files.size(file);
      } catch (IOException e) {
        size = 0;
      }
      this.bytes = size;
    }

    /** A finished job of {@code workers} worker(s): its seconds, reduce share and peak RSS; every job must agree on lines. */
    void add(int workers, JsonObject job) {
      double s = job.getDouble("seconds");
      seconds.get(workers).add(s);
      if (job.containsKey("reduceSeconds") && s > 0) {
        reduceShares.get(workers).add(job.getDouble("reduceSeconds") / s);
      }
      if (job.getLong("peakRssMb") != null) {
        peakRssMb.merge(workers, job.getLong("peakRssMb"), Math::max);
      }
      if (job.getLong("peakHeapMb") != null) {
        peakHeapMb.merge(workers, job.getLong("peakHeapMb"), Math::max);
      }
      long l = job.getLong("lines");
      if (lines == null) {
        lines = l;
      } else if (lines != l && error == null) {
        error = layout + ": jobs over " + file.getFileName() + " counted " + lines + " and " + l + " lines";
      }
    }

    JsonObject toJson() {
      JsonObject o = new JsonObject().put("layout", layout).put("file", file.toString()).put("bytes", bytes)
          .put("lines", lines);
      for (int w : List.of(1, 2)) {
        List<Double> s = seconds.get(w);
        JsonObject v = new JsonObject().put("seconds", new JsonArray(new ArrayList<>(s)));
        if (!s.isEmpty()) {
          double m = median(s);
          v.put("medianSeconds", m).put("mbPerSec", bytes / 1e6 / m);
        }
        if (!reduceShares.get(w).isEmpty()) {
          v.put("reduceShare", median(reduceShares.get(w)));
        }
        v.put("peakRssMb", peakRssMb.get(w)).put("peakHeapMb", peakHeapMb.get(w));
        o.put(w == 1 ? "workers1" : "workers2", v);
      }
      List<Double> ratios = ratios();
      if (!ratios.isEmpty()) {
        o.put("pairRatios", new JsonArray(new ArrayList<>(ratios))).put("speedup", median(ratios))
            .put("speedupMin", Collections.min(ratios)).put("speedupMax", Collections.max(ratios));
      }
      if (error != null) {
        o.put("error", error);
      }
      return o;
    }

    /** Per pair: seconds with 1 worker over seconds with 2. */
    List<Double> ratios() {
      List<Double> r = new ArrayList<>();
      int n = Math.min(seconds.get(1).size(), seconds.get(2).size());
      for (int i = 0; i < n; i++) {
        r.add(seconds.get(1).get(i) / seconds.get(2).get(i));
      }
      return r;
    }
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static String table(JsonArray comparisons) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "  %-10s %-26s %-20s %-20s %-22s %-12s %s%n", "layout", "file", "1 worker", "2 workers",
        "speed-up (min-max)", "reduce (2w)", "peak heap / RSS, 1w and 2w"));
    for (int i = 0; i < comparisons.size(); i++) {
      JsonObject c = comparisons.getJsonObject(i);
      sb.append(String.format(Locale.ROOT, "  %-10s %-26s %-20s %-20s %-22s %-12s %s%n", c.getString("layout"),
          String.format(Locale.ROOT, "%s (%.0f MB)", Path.of(c.getString("file")).getFileName(), c.getLong("bytes") / 1e6),
          cell(c.getJsonObject("workers1")), cell(c.getJsonObject("workers2")),
          c.containsKey("speedup") ? String.format(Locale.ROOT, "%.2fx (%.2f-%.2f)", c.getDouble("speedup"),
              c.getDouble("speedupMin"), c.getDouble("speedupMax")) : "-",
          c.getJsonObject("workers2").containsKey("reduceShare")
              ? String.format(Locale.ROOT, "%.1f %%", 100 * c.getJsonObject("workers2").getDouble("reduceShare")) : "-",
          mb(c.getJsonObject("workers1")) + ", " + mb(c.getJsonObject("workers2"))));
      if (c.getString("error") != null) {
        sb.append("      failed: ").append(c.getString("error")).append('\n');
      }
    }
    sb.append("  seconds: the job's own time, median of the measured jobs; speed-up: median of the pairs' ratios;\n"
        + "  peak heap from each JVM's GC log, peak RSS (VmHWM) per process, the largest of the run's JVMs\n");
    return sb.toString();
  }

  private static String cell(JsonObject v) {
    return v.containsKey("medianSeconds")
        ? String.format(Locale.ROOT, "%.3f s %5.0f MB/s", v.getDouble("medianSeconds"), v.getDouble("mbPerSec")) : "-";
  }

  /** "heap / RSS MB" of one variant, "?" for what is unknown. */
  private static String mb(JsonObject v) {
    Long heap = v.getLong("peakHeapMb");
    Long rss = v.getLong("peakRssMb");
    return (heap == null ? "?" : heap.toString()) + " / " + (rss == null ? "?" : rss.toString()) + " MB";
  }
}
