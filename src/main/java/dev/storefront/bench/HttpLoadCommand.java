package dev.storefront.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code storefront bench http}: HTTP load on Vert.x's client, closed loop or open model, figures from HdrHistogram. */
@Command(name = "http", mixinStandardHelpOptions = true,
    description = {"HTTP load generator (HTTP/1.1 keep-alive, one request in flight per connection).",
        "Without --rate: closed loop (each connection sends its next request when the last answers).",
        "With --rate: open model at a constant rate; latency counts from each request's intended send time.",
        "With --ramp: open model at a rising rate, and the knee (highest rate meeting --slo) is reported.",
        "'{id}' in the URL becomes a random id of --ids for each request.",
        "Exit code: 0, 1 when a --fail-if threshold is crossed (or the error rate is above --max-error-rate),",
        "2 for a usage error (an unreadable threshold included)."})
public final class HttpLoadCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--url", required = true, paramLabel = "URL", description = "e.g. http://127.0.0.1:8080/products/{id}")
  String url;

  @Option(names = {"-c", "--connections"}, defaultValue = "16", paramLabel = "C", description = "connections (default ${DEFAULT-VALUE})")
  int connections;

  @Option(names = {"-d", "--duration"}, defaultValue = "10s", converter = DurationConverter.class, paramLabel = "D",
      description = "measured time, e.g. 10s, 500ms, 1m (default ${DEFAULT-VALUE})")
  Duration duration;

  @Option(names = "--warmup", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "W",
      description = {"load before measuring, excluded from the figures (default ${DEFAULT-VALUE}:",
          "on 2 cores the JIT needs about that long to compile the HTTP client and server paths)"})
  Duration warmup;

  @Option(names = {"-R", "--rate"}, paramLabel = "R", description = "requests per second (open model); absent: closed loop")
  Double rate;

  @Option(names = "--threads", defaultValue = "1", paramLabel = "T",
      description = "event loops of the load generator (default ${DEFAULT-VALUE}: leave the cores to the server)")
  int threads;

  @Option(names = "--ids", defaultValue = "1..1000", paramLabel = "MIN..MAX", description = "range of '{id}' (default ${DEFAULT-VALUE})")
  String ids;

  @Option(names = "--timeout", defaultValue = "5s", converter = DurationConverter.class, paramLabel = "T",
      description = "request timeout, counted as a timeout error (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Option(names = "--scenario", paramLabel = "FILE",
      description = {"weighted requests from a JSON file instead of --url's path (--url then gives the host and port):",
          "{\"requests\": [{\"name\": \"product\", \"weight\": 80, \"path\": \"/products/{id}\", \"ids\": \"1..1000\"},",
          " {\"name\": \"listing\", \"weight\": 20, \"path\": \"/products?limit=20\", \"follow\": \"nextUrl\", \"maxPages\": 5}]};",
          "optional \"method\" and \"body\" (JSON). Each request is measured under its name, beside the total"})
  Path scenario;

  @Option(names = "--ramp", paramLabel = "FROM..TO/D",
      description = {"open model with a rising rate instead of --rate and --duration, e.g. 500..8000/60s: the rate",
          "goes from FROM to TO req/s over D in --ramp-step steps, and the knee is reported (see --slo)"})
  String ramp;

  @Option(names = "--ramp-step", defaultValue = "1s", converter = DurationConverter.class, paramLabel = "S",
      description = "length of each ramp step, whole seconds (default ${DEFAULT-VALUE})")
  Duration rampStep;

  @Option(names = "--slo", paramLabel = "EXPR",
      description = {"with --ramp, an objective each step must meet to count for the knee (repeatable), e.g. 'p99<20ms',",
          "'errors<0.1%%' (the forms of --fail-if)"})
  List<String> slo = new ArrayList<>();

  @Option(names = "--knee-tolerance", defaultValue = "5%", paramLabel = "X",
      description = {"with --ramp, how far below the offered rate a step's throughput may fall and still count",
          "(default ${DEFAULT-VALUE})"})
  String kneeTolerance;

  @Option(names = "--agents", defaultValue = "1", paramLabel = "N",
      description = {"load-generator processes (default ${DEFAULT-VALUE}: this one). N > 1 starts N JVMs of this jar,",
          "splits the connections and the rate between them, starts them together and adds their histograms"})
  int agents;

  @Option(names = "--late-after", defaultValue = "2ms", converter = DurationConverter.class, paramLabel = "L",
      description = {"open model: a request sent more than L after its intended time counts as sent late",
          "(default ${DEFAULT-VALUE}: the generator's 1 ms tick alone accounts for up to 1 ms)"})
  Duration lateAfter;

  @Option(names = "--fail-if", paramLabel = "EXPR",
      description = {"exit 1 when this holds for the measured requests (repeatable), e.g. 'p99>20ms', 'errors>0.1%%',",
          "'rps<1000', 'max>=1s', 'NAME:p50>5ms' for one request of a scenario. Metrics: p<N> (p99.9 or p999),",
          "max, mean (us, ms or s; ms by default); errors, late, dropped, waited (a count, or with %% a share);",
          "rps, requests; knee (with --ramp: the knee in req/s, 0 when none)"})
  List<String> failIf = new ArrayList<>();

  @Option(names = "--max-error-rate", paramLabel = "X",
      description = {"exit 1 when errors / requests exceeds this (default " + RunVerdict.DEFAULT_MAX_ERROR_RATE
          + ", or none when a --fail-if is about errors)"})
  Double maxErrorRate;

  @Option(names = "--out", paramLabel = "DIR",
      description = {"directory for the run's files: " + RunFiles.RESULT + ", " + RunFiles.TIMESERIES_CSV + " and "
          + RunFiles.TIMESERIES_JSON + " (per second), " + RunFiles.HLOG + " (HdrHistogram interval log), "
          + RunFiles.REPORT + " (charts)",
          "(default target/bench/http-<timestamp>)"})
  Path out;

  @Option(names = "--no-files", description = "write no files")
  boolean noFiles;

  @Option(names = "--json", description = "print one JSON object instead of text")
  boolean json;

  @Override
  public Integer call() {
    List<Threshold> thresholds = thresholds(spec, failIf, "--fail-if");
    List<Threshold> objectives = thresholds(spec, slo, "--slo");
    double tolerance = fraction(kneeTolerance, "--knee-tolerance");
    LoadConfig config = config();
    for (Threshold t : concat(thresholds, objectives)) {
      if (t.request() != null && (config.scenario() == null || !config.scenario().names().contains(t.request()))) {
        throw new ParameterException(spec.commandLine(), "threshold '" + t.expression() + "' names request '" + t.request()
            + "', which the scenario does not have" + (config.scenario() == null ? " (there is no --scenario)"
            : " (it has " + String.join(", ", config.scenario().names()) + ")"));
      }
    }
    if (!objectives.isEmpty() && config.ramp() == null) {
      throw new ParameterException(spec.commandLine(), "--slo applies to the steps of a --ramp (use --fail-if for a whole run)");
    }
    if (config.ramp() == null && thresholds.stream().anyMatch(t -> t.metric().equals("knee"))) {
      throw new ParameterException(spec.commandLine(), "--fail-if knee... needs a --ramp");
    }
    LoadResult result = run(config);
    RunVerdict verdict = RunVerdict.judge(result, thresholds, objectives, tolerance, maxErrorRate);
    List<String> failures = new ArrayList<>(verdict.failures());
    JsonObject figures = verdict.figures();
    StringBuilder text = new StringBuilder(verdict.text());
    if (!noFiles) {
      Path dir = out != null ? out : RunFiles.defaultDirectory();
      figures.put("files", dir.toString());
      JsonObject all = new JsonObject().put("command", "bench http").put("machine", MachineInfo.current().toJson())
          .mergeIn(figures).put("passed", failures.isEmpty()).put("failures", new JsonArray(List.copyOf(failures)));
      try {
        List<Path> written = RunFiles.write(dir, result, all);
        text.append("  files: ").append(dir).append(File.separator).append(" (")
            .append(written.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", "))).append(")\n");
      } catch (IOException e) {
        failures.add("could not write the run's files to " + dir + ": " + e.getMessage());
      }
    }
    return BenchOutput.report(spec, json, "bench http", figures, text.toString(), failures);
  }

  private LoadResult run(LoadConfig config) {
    if (agents == 1) {
      return HttpLoadGenerator.run(config);
    }
    try {
      return AgentFleet.run(config, agents);
    } catch (IOException e) {
      throw new IllegalStateException("bench http: could not start the agent processes: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static List<Threshold> thresholds(CommandSpec spec, List<String> texts, String option) {
    List<Threshold> parsed = new ArrayList<>();
    for (String text : texts) {
      try {
        parsed.add(Threshold.parse(text));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
      }
    }
    return parsed;
  }

  private static List<Threshold> concat(List<Threshold> a, List<Threshold> b) {
    List<Threshold> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** {@code 5%} or {@code 0.05} as 0.05. */
  private double fraction(String text, String option) {
    String t = text.trim();
    try {
      double v = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100 : Double.parseDouble(t);
      if (v >= 0 && v < 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ParameterException(spec.commandLine(), option + " must be a share such as 5% or 0.05, got '" + text + "'");
  }

  LoadConfig config() {
    int[] range = parseRange(spec, ids);
    Ramp parsedRamp = null;
    if (ramp != null) {
      if (rate != null) {
        throw new ParameterException(spec.commandLine(), "--rate and --ramp exclude each other");
      }
      if (spec.commandLine().getParseResult().hasMatchedOption("--duration")) {
        throw new ParameterException(spec.commandLine(), "--duration and --ramp exclude each other (the ramp gives the duration)");
      }
      try {
        parsedRamp = Ramp.parse(ramp, rampStep);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    if (rate != null && !(rate > 0)) {
      throw new ParameterException(spec.commandLine(), "--rate must be a positive number of requests per second, got " + rate);
    }
    Scenario requests = null;
    if (scenario != null) {
      try {
        requests = Scenario.read(scenario);
      } catch (IOException e) {
        throw new ParameterException(spec.commandLine(), "--scenario: cannot read " + scenario + ": " + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--scenario " + scenario + ": " + e.getMessage());
      }
    }
    if (agents < 1 || agents > connections) {
      throw new ParameterException(spec.commandLine(), "--agents must be between 1 and the connection count " + connections + ", got " + agents);
    }
    try {
      return new LoadConfig(url, connections, threads, duration, warmup, rate == null ? 0 : rate, range[0], range[1],
          timeout, parsedRamp, requests, lateAfter);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** {@code MIN..MAX} as two ints; a picocli usage error otherwise. */
  static int[] parseRange(CommandSpec spec, String text) {
    String[] parts = text.trim().split("\\.\\.", -1);
    try {
      if (parts.length == 2) {
        return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ParameterException(spec.commandLine(), "--ids must look like 1..1000, got '" + text + "'");
  }
}
