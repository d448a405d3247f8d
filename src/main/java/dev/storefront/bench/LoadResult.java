package dev.storefront.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.Locale;

/**
 * Figures of one {@code bench http} run. Only requests whose (intended) start lies in the measured window count;
 * warm-up is excluded. Latencies are in microseconds in {@link #histogram()}, of every response (any status).
 *
 * @param responses      responses to measured requests (any status)
 * @param totalResponses responses over the whole run, warm-up and drain included (what the server answered)
 * @param errors         measured errors, indexed by {@link ErrorKind#ordinal()}
 * @param seconds        length of the measured window (until the last measured response, at least the duration)
 * @param clientCpuCores average cores this JVM (the load generator) kept busy while measuring
 * @param sendLag        open model: microseconds from each measured request's intended time to its actual send
 *                       (waiting for a free connection, or for the generator's own thread); empty when closed-loop
 */
public record LoadResult(LoadConfig config, long responses, long totalResponses, long[] errors, double seconds,
                         Histogram histogram, double clientCpuCores, Histogram sendLag) {

  public double requestsPerSecond() {
    return seconds > 0 ? responses / seconds : 0;
  }

  public long errors(ErrorKind kind) {
    return errors[kind.ordinal()];
  }

  public long errorCount() {
    long n = 0;
    for (long e : errors) {
      n += e;
    }
    return n;
  }

  /** Measured requests that got a response or failed without one. */
  public long attempts() {
    return responses + errors(ErrorKind.CONNECT) + errors(ErrorKind.TIMEOUT) + errors(ErrorKind.OTHER);
  }

  /** Errors per attempt; 1 when nothing was attempted at all (a run that did nothing is not a success). */
  public double errorRate() {
    long attempts = attempts();
    return attempts == 0 ? 1.0 : (double) errorCount() / attempts;
  }

  /** Latency at a percentile, in milliseconds. */
  public double latencyMs(double percentile) {
    return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000.0;
  }

  public double maxLatencyMs() {
    return histogram.getTotalCount() == 0 ? 0 : histogram.getMaxValue() / 1000.0;
  }

  /** Open model: the part of the latency spent before the request left the generator, in milliseconds. */
  public double sendLagMs(double percentile) {
    return sendLag.getTotalCount() == 0 ? 0 : sendLag.getValueAtPercentile(percentile) / 1000.0;
  }

  public JsonObject toJson() {
    JsonObject errorsJson = new JsonObject();
    for (ErrorKind k : ErrorKind.values()) {
      errorsJson.put(k.label(), errors(k));
    }
    return new JsonObject()
        .put("config", config.toJson())
        .put("requests", responses)
        .put("totalResponses", totalResponses)
        .put("seconds", round(seconds, 3))
        .put("requestsPerSec", round(requestsPerSecond(), 1))
        .put("latencyMs", new JsonObject()
            .put("p50", round(latencyMs(50), 3)).put("p90", round(latencyMs(90), 3))
            .put("p99", round(latencyMs(99), 3)).put("p999", round(latencyMs(99.9), 3))
            .put("max", round(maxLatencyMs(), 3))
            .put("mean", round(histogram.getTotalCount() == 0 ? 0 : histogram.getMean() / 1000.0, 3)))
        .put("sendLagMs", config.openModel() ? new JsonObject()
            .put("p50", round(sendLagMs(50), 3)).put("p99", round(sendLagMs(99), 3))
            .put("max", round(sendLag.getTotalCount() == 0 ? 0 : sendLag.getMaxValue() / 1000.0, 3)) : null)
        .put("errors", errorsJson)
        .put("errorRate", round(errorRate(), 5))
        .put("clientCpuCores", round(clientCpuCores, 3));
  }

  /** wrk-like text. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%s, %d connection%s, %d thread%s, %s model%s, %.1f s measured (after %.1f s warm-up)%n",
        config.url(), config.connections(), config.connections() == 1 ? "" : "s", config.threads(),
        config.threads() == 1 ? "" : "s", config.openModel() ? "open" : "closed",
        config.openModel() ? String.format(Locale.ROOT, " at %.0f req/s", config.rate()) : "",
        seconds, config.warmup().toMillis() / 1000.0));
    sb.append(String.format(Locale.ROOT, "  requests: %d in %.2f s = %.1f req/s%n", responses, seconds, requestsPerSecond()));
    sb.append(String.format(Locale.ROOT, "  latency ms%s: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
        config.openModel() ? " (from intended send time)" : "",
        latencyMs(50), latencyMs(90), latencyMs(99), latencyMs(99.9), maxLatencyMs()));
    if (config.openModel()) {
      sb.append(String.format(Locale.ROOT, "  of which before the send (all connections busy, or the generator late): p50 %.3f  p99 %.3f  max %.3f%n",
          sendLagMs(50), sendLagMs(99), sendLag.getTotalCount() == 0 ? 0 : sendLag.getMaxValue() / 1000.0));
    }
    sb.append("  errors:");
    for (ErrorKind k : ErrorKind.values()) {
      sb.append(' ').append(k.label()).append(' ').append(errors(k));
    }
    sb.append(String.format(Locale.ROOT, "  (rate %.3f%%)%n", errorRate() * 100));
    sb.append(String.format(Locale.ROOT, "  load generator CPU: %.2f cores on average while measuring%n", clientCpuCores));
    return sb.toString();
  }

  static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }
}
