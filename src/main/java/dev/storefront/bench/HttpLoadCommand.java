package dev.storefront.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code storefront bench http}: HTTP load on Vert.x's client, closed loop or open model, figures from HdrHistogram. */
@Command(name = "http", mixinStandardHelpOptions = true,
    description = {"HTTP load generator (HTTP/1.1 keep-alive, one request in flight per connection).",
        "Without --rate: closed loop (each connection sends its next request when the last answers).",
        "With --rate: open model at a constant rate; latency counts from each request's intended send time.",
        "'{id}' in the URL becomes a random id of --ids for each request."})
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

  @Option(names = "--max-error-rate", defaultValue = "0.01", paramLabel = "X",
      description = "exit 1 when errors / requests exceeds this (default ${DEFAULT-VALUE})")
  double maxErrorRate;

  @Option(names = "--json", description = "print one JSON object instead of text")
  boolean json;

  @Override
  public Integer call() {
    LoadConfig config = config();
    LoadResult result = HttpLoadGenerator.run(config);
    return BenchOutput.report(spec, json, "bench http", result.toJson(), result.describe(),
        result.errorRate(), maxErrorRate);
  }

  LoadConfig config() {
    int[] range = parseRange(spec, ids);
    if (rate != null && !(rate > 0)) {
      throw new ParameterException(spec.commandLine(), "--rate must be a positive number of requests per second, got " + rate);
    }
    try {
      return new LoadConfig(url, connections, threads, duration, warmup, rate == null ? 0 : rate, range[0], range[1], timeout);
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
