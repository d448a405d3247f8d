package dev.storefront.bench;

import dev.storefront.cluster.FreePorts;
import dev.storefront.config.Settings;
import dev.storefront.db.Database;
import dev.storefront.jobs.JobApiClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code storefront bench scaling}: for every configuration processes x event loops, starts Storefront, loads
 * {@code GET /products/{id}} (random ids, closed loop), then ramps an open-model rate up to find the knee (the
 * highest rate whose step meets the latency objective, {@link Knee}), times a word-count job, stops it, runs
 * {@code bench queries} with the same layout (P processes, E connections each); prints a table and writes
 * scaling.json and scaling.html.
 */
@Command(name = "scaling", mixinStandardHelpOptions = true,
    description = {"Sweep processes x event loops: HTTP GET /products/{id}, bench queries and a word-count job for each.",
        "Each configuration also gets its knee: an open-model rate ramp, and the highest rate whose step met --slo.",
        "Writes <out>/scaling.json and <out>/scaling.html (charts as SVG)."})
public final class ScalingCommand implements Callable<Integer> {

  /** The job each configuration times: word counts over all customer feedback. */
  static final JsonObject WORDCOUNT_JOB = new JsonObject().put("source", new JsonObject().put("type", "feedback"));
  static final Duration WORDCOUNT_DEADLINE = Duration.ofMinutes(5);

  @Spec
  CommandSpec spec;

  @Mixin
  LaunchOptions launch;

  @Option(names = "--max-processes", paramLabel = "M", description = "processes from 1 to M (default: cores)")
  Integer maxProcesses;

  @Option(names = "--event-loops-list", defaultValue = "1,2", split = ",", paramLabel = "E,E",
      description = "event loops per process to try (default ${DEFAULT-VALUE})")
  List<Integer> eventLoopsList;

  @Option(names = {"-d", "--duration"}, defaultValue = "10s", converter = DurationConverter.class, paramLabel = "D",
      description = "measured HTTP load per configuration (default ${DEFAULT-VALUE})")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "W",
      description = "unmeasured warm-up per configuration, of the HTTP load and of each bench queries process (default ${DEFAULT-VALUE})")
  Duration warmup;

  @Option(names = {"-c", "--connections"}, defaultValue = "16", paramLabel = "C", description = "HTTP connections (default ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "--ids", defaultValue = "1..1000", paramLabel = "MIN..MAX", description = "product ids requested (default ${DEFAULT-VALUE})")
  String ids;

  @Option(names = "--queries", defaultValue = "10000", paramLabel = "N", description = "bench queries: queries per process (default ${DEFAULT-VALUE})")
  int queries;

  @Option(names = "--out", defaultValue = "target/bench", paramLabel = "DIR", description = "report directory (default ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--max-error-rate", defaultValue = "0.01", paramLabel = "X", description = "exit 1 when a run's HTTP error rate exceeds this (default ${DEFAULT-VALUE})")
  double maxErrorRate;

  @Option(names = "--ramp", paramLabel = "FROM..TO/D",
      description = {"the knee's open-model ramp for every configuration (req/s over D, steps of --ramp-step);",
          "default: from 0.2 to 1.5 times the configuration's closed-loop throughput over 20s; 'none' skips the knee"})
  String ramp;

  @Option(names = "--ramp-step", defaultValue = "2s", converter = DurationConverter.class, paramLabel = "S",
      description = "length of each ramp step, whole seconds (default ${DEFAULT-VALUE})")
  Duration rampStep;

  @Option(names = "--slo", paramLabel = "EXPR", defaultValue = "p99<20ms",
      description = "the latency objective a ramp step must meet to count for the knee, as bench http's --slo (default ${DEFAULT-VALUE})")
  List<String> slo;

  @Option(names = "--knee-tolerance", defaultValue = "0.05", paramLabel = "X",
      description = "how far below the offered rate a step's throughput may fall and still count (default ${DEFAULT-VALUE})")
  double kneeTolerance;

  @Option(names = "--json", description = "print scaling.json's content instead of the table")
  boolean json;

  private int[] idRange;
  private List<Threshold> objectives;
  private Ramp fixedRamp;
  private boolean knee;

  @Override
  public Integer call() throws Exception {
    Path storefront = launch.jar(spec);
    idRange = HttpLoadCommand.parseRange(spec, ids);
    int cores = Runtime.getRuntime().availableProcessors();
    int max = maxProcesses != null ? maxProcesses : cores;
    if (max < 1 || eventLoopsList.isEmpty() || eventLoopsList.stream().anyMatch(e -> e < 1)) {
      throw new ParameterException(spec.commandLine(), "--max-processes and every --event-loops-list entry must be at least 1");
    }
    objectives = HttpLoadCommand.thresholds(spec, slo, "--slo");
    if (!(kneeTolerance >= 0 && kneeTolerance < 1)) {
      throw new ParameterException(spec.commandLine(), "--knee-tolerance must be a share from 0 to below 1, got " + kneeTolerance);
    }
    knee = !"none".equals(ramp);
    if (knee && ramp != null) {
      try {
        fixedRamp = Ramp.parse(ramp, rampStep);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    } else if (knee) {
      autoRamp(1000); // checks --ramp-step against the default duration now, not after the first configuration
    }
    Settings settings = launch.settings();
    JsonArray runs = new JsonArray();
    double worstErrorRate = 0;
    try (Database db = QueryBenchCommand.openDatabase(settings)) {
      for (int p = 1; p <= max; p++) {
        for (int e : eventLoopsList) {
          JsonObject run = measure(storefront, db.url().uri(), p, e);
          runs.add(run);
          JsonObject http = run.getJsonObject("http");
          worstErrorRate = Math.max(worstErrorRate, http == null ? 1.0 : http.getDouble("errorRate"));
          spec.commandLine().getErr().println("bench scaling: " + ScalingReport.label(run) + " done");
        }
      }
    }
    JsonObject data = new JsonObject().put("machine", MachineInfo.current().toJson())
        .put("settings", new JsonObject().put("durationSeconds", duration.toMillis() / 1000.0)
            .put("warmupSeconds", warmup.toMillis() / 1000.0).put("httpConnections", connections)
            .put("queriesPerProcess", queries).put("url", "/products/{id}, ids " + ids + ", closed loop")
            .put("knee", knee ? new JsonObject().put("slo", new JsonArray(List.copyOf(slo))).put("tolerance", kneeTolerance)
                .put("ramp", ramp != null ? ramp : "0.2..1.5 x closed-loop req/s over 20s").put("rampStepSeconds", rampStep.toSeconds())
                : null))
        .put("runs", runs);
    ScalingReport.write(data, out);
    String text = table(runs) + "  report: " + out.resolve("scaling.html") + " (raw: " + out.resolve("scaling.json") + ")\n";
    return BenchOutput.report(spec, json, "bench scaling", data.copy().put("report", out.resolve("scaling.html").toString()),
        text, worstErrorRate, maxErrorRate);
  }

  private JsonObject measure(Path storefront, String db, int p, int e) {
    JsonObject run = new JsonObject().put("processes", p).put("eventLoops", e);
    List<String> errors = new ArrayList<>();
    try {
      int port = FreePorts.any();
      List<String> extra = List.of("--db-url", db,
          "--set", "cluster.name=bench-scaling-" + ProcessHandle.current().pid() + "-" + p + "x" + e);
      try (StorefrontProcess sf = StorefrontProcess.serve(storefront, p, e, port, extra, launch.readyTimeout)) {
        LoadResult http = HttpLoadGenerator.run(new LoadConfig("http://127.0.0.1:" + port + "/products/{id}",
            connections, 1, duration, warmup, 0, idRange[0], idRange[1], Duration.ofSeconds(5)));
        run.put("http", http.toJson());
        if (knee) {
          run.put("knee", knee("http://127.0.0.1:" + port + "/products/{id}", http.requestsPerSecond()));
        }
        run.put("wordcount", wordcount("http://127.0.0.1:" + port));
      }
    } catch (Exception ex) {
      errors.add("serve/http: " + ex.getMessage());
    }
    try {
      // after Storefront stopped: PostgreSQL has the machine to itself, laid out like the nodes (E connections each)
      run.put("queries", QueryBench.run(new QueryBench.Plan(db, p, e, queries, 100, warmup.toMillis(), 0, 300_000)).toJson());
    } catch (Exception ex) {
      errors.add("queries: " + ex.getMessage());
    }
    if (!errors.isEmpty()) {
      run.put("error", String.join("; ", errors));
    }
    return run;
  }

  /** The default ramp: from a fifth to 1.5 times the closed-loop throughput, over 20 s. */
  private Ramp autoRamp(double closedLoopRps) {
    double base = Math.max(10, closedLoopRps);
    try {
      return new Ramp(Math.round(base * 0.2), Math.round(base * 1.5), Duration.ofSeconds(20), rampStep);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * The knee of one configuration: an open-model ramp of {@code GET /products/{id}} on the same connections (the server
   * is warm from the closed loop, so no warm-up), judged step by step as {@code bench http --ramp} does.
   */
  private JsonObject knee(String url, double closedLoopRps) {
    Ramp r = fixedRamp != null ? fixedRamp : autoRamp(closedLoopRps);
    LoadConfig config = new LoadConfig(url, connections, 1, r.duration(), Duration.ZERO, 0, idRange[0], idRange[1],
        Duration.ofSeconds(5), r, null, null);
    LoadResult result = HttpLoadGenerator.run(config);
    Knee k = Knee.find(result.measured(), config.measuredSchedule(), objectives, kneeTolerance);
    JsonObject json = k.toJson().put("ramp", r.toJson());
    json.put("summary", k.rate() == null ? "none" : String.format(Locale.ROOT, "%.0f req/s", k.rate()));
    return json;
  }

  /**
   * Times {@link #WORDCOUNT_JOB} through the job API, from its submission to its end: {@code {"status":"ok",
   * "seconds":s,"job":{..}}}; {@code "failed"} (with the job's end, if any) when it failed or did not end within
   * {@link #WORDCOUNT_DEADLINE}; {@code {"status":"skipped","reason":...}} when the Storefront took no job.
   */
  static JsonObject wordcount(String url) throws InterruptedException {
    long t0 = System.nanoTime();
    JsonObject end = new JobApiClient(url, WORDCOUNT_DEADLINE).run(WORDCOUNT_JOB, state -> { });
    double seconds = LoadResult.round((System.nanoTime() - t0) / 1e9, 3);
    if (!end.containsKey("id")) {
      return new JsonObject().put("status", "skipped").put("reason", end.getString("error"));
    }
    if (!end.containsKey("state")) {
      return new JsonObject().put("status", "failed").put("reason", end.getString("error"));
    }
    JsonObject wc = new JsonObject().put("status", "succeeded".equals(end.getString("state")) ? "ok" : "failed")
        .put("seconds", seconds).put("job", end);
    if (end.getString("error") != null) {
      wc.put("reason", end.getString("error"));
    }
    return wc;
  }

  static String table(JsonArray runs) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-5s %-5s %10s %9s %9s %9s %10s %11s  %s%n",
        "P", "E", "HTTP req/s", "p50 ms", "p99 ms", "errors", "knee req/s", "queries/s", "word count"));
    for (int i = 0; i < runs.size(); i++) {
      JsonObject run = runs.getJsonObject(i);
      JsonObject http = run.getJsonObject("http");
      JsonObject q = run.getJsonObject("queries");
      JsonObject ms = http == null ? new JsonObject() : http.getJsonObject("latencyMs");
      sb.append(String.format(Locale.ROOT, "  %-5d %-5d %10s %9s %9s %9s %10s %11s  %s%n", run.getInteger("processes"),
          run.getInteger("eventLoops"),
          http == null ? "-" : String.format(Locale.ROOT, "%.0f", http.getDouble("requestsPerSec")),
          http == null ? "-" : String.format(Locale.ROOT, "%.2f", ms.getDouble("p50")),
          http == null ? "-" : String.format(Locale.ROOT, "%.2f", ms.getDouble("p99")),
          http == null ? "-" : String.format(Locale.ROOT, "%.2f%%", http.getDouble("errorRate") * 100),
          ScalingReport.kneeCell(run.getJsonObject("knee")),
          q == null ? "-" : String.format(Locale.ROOT, "%.0f", q.getDouble("queriesPerSec")),
          ScalingReport.wordcountCell(run.getJsonObject("wordcount"))));
      if (run.getString("error") != null) {
        sb.append("        failed: ").append(run.getString("error")).append('\n');
      }
    }
    return sb.toString();
  }
}
