package dev.storefront.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Figures of one {@code bench http} run: the warm-up's (null when there was none) and the measured phase's, from
 * one process or several agent processes added together. The headline figures are the measured phase's: only
 * requests whose (intended) start lies in it count. Latencies are in microseconds in {@link #histogram()}, of every
 * response (any status).
 *
 * @param clientCpuCores cores the load generator (all its processes) kept busy on average while measuring
 * @param agents         generator processes the figures come from
 * @param perAgent       with several agents, each one's own measured figures (agent, requests, latency, CPU)
 */
public record LoadResult(LoadConfig config, PhaseStats warmup, PhaseStats measured, double clientCpuCores,
                         int agents, List<JsonObject> perAgent) {

  public LoadResult {
    perAgent = List.copyOf(perAgent);
  }

  public LoadResult(LoadConfig config, PhaseStats warmup, PhaseStats measured, double clientCpuCores, int agents) {
    this(config, warmup, measured, clientCpuCores, agents, List.of());
  }

  /** Responses to measured requests (any status). */
  public long responses() {
    return measured.total().responses();
  }

  /** Responses over the whole run, warm-up and drain included (what the server answered). */
  public long totalResponses() {
    return responses() + (warmup == null ? 0 : warmup.total().responses());
  }

  /** Length of the measured window: until the last measured response, at least the duration. */
  public double seconds() {
    return measured.windowSeconds();
  }

  public Histogram histogram() {
    return measured.total().latency();
  }

  /**
   * Open model: microseconds from each measured request's intended time to its actual send (waiting for a free
   * connection, or for the generator's own thread); empty when closed-loop.
   */
  public Histogram sendLag() {
    return measured.sendLag();
  }

  public double requestsPerSecond() {
    return seconds() > 0 ? responses() / seconds() : 0;
  }

  public long errors(ErrorKind kind) {
    return measured.total().errors(kind);
  }

  public long errorCount() {
    return measured.total().errorCount();
  }

  /** Measured requests that got a response or failed without one. */
  public long attempts() {
    return measured.total().attempts();
  }

  /** Errors per attempt; 1 when nothing was attempted at all (a run that did nothing is not a success). */
  public double errorRate() {
    return measured.total().errorRate();
  }

  /** Latency at a percentile, in milliseconds. */
  public double latencyMs(double percentile) {
    return measured.total().latencyMs(percentile);
  }

  public double maxLatencyMs() {
    return measured.total().maxLatencyMs();
  }

  /** Open model: the part of the latency spent before the request left the generator, in milliseconds. */
  public double sendLagMs(double percentile) {
    return sendLag().getTotalCount() == 0 ? 0 : sendLag().getValueAtPercentile(percentile) / 1000.0;
  }

  private double sendLagMaxMs() {
    return sendLag().getTotalCount() == 0 ? 0 : sendLag().getMaxValue() / 1000.0;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("config", config.toJson()).put("agents", agents);
    JsonObject total = measured.total().summaryJson();
    json.put("requests", total.getValue("requests"))
        .put("totalResponses", totalResponses())
        .put("seconds", round(seconds(), 3))
        .put("requestsPerSec", round(requestsPerSecond(), 1))
        .put("latencyMs", total.getJsonObject("latencyMs"))
        .put("latencyMsByOutcome", measured.total().latencyByOutcomeJson())
        .put("sendLagMs", config.openModel() ? new JsonObject()
            .put("p50", round(sendLagMs(50), 3)).put("p99", round(sendLagMs(99), 3)).put("max", round(sendLagMaxMs(), 3)) : null)
        .put("errors", total.getJsonObject("errors"))
        .put("errorRate", total.getValue("errorRate"))
        .put("coordinatedOmission", config.openModel() ? omission(measured) : null)
        .put("clientCpuCores", round(clientCpuCores, 3));
    JsonObject phases = new JsonObject();
    for (PhaseStats p : new PhaseStats[] {warmup, measured}) {
      if (p != null) {
        phases.put(p.phase(), p.total().summaryJson().put("seconds", round(p.windowSeconds(), 3))
            .put("coordinatedOmission", config.openModel() ? omission(p) : null));
      }
    }
    json.put("phases", phases);
    if (!measured.byRequest().isEmpty()) {
      JsonObject named = new JsonObject();
      double seconds = seconds();
      measured.byRequest().forEach((name, s) -> named.put(name, s.summaryJson()
          .put("share", round(responses() == 0 ? 0 : (double) s.attempts() / attempts(), 4))
          .put("requestsPerSec", round(seconds > 0 ? s.responses() / seconds : 0, 1))));
      json.put("byRequest", named);
    }
    if (!perAgent.isEmpty()) {
      json.put("perAgent", new JsonArray(new ArrayList<>(perAgent)));
    }
    json.put("timeseries", TimeSeries.of(this).toJson());
    return json;
  }

  private JsonObject omission(PhaseStats p) {
    RequestStats t = p.total();
    return new JsonObject().put("waitedForConnection", t.waited()).put("sentLate", t.late())
        .put("lateAfterMs", config.lateAfter().toNanos() / 1e6).put("dropped", t.dropped());
  }

  /** wrk-like text. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    String model = config.ramp() != null ? "open model, ramp " + config.ramp()
        : config.openModel() ? String.format(Locale.ROOT, "open model at %.0f req/s", config.rate()) : "closed model";
    sb.append(String.format(Locale.ROOT, "%s, %d connection%s, %d thread%s%s, %s, %.1f s measured (after %.1f s warm-up)%n",
        config.scenario() != null ? config.host() + ":" + config.port() + " (scenario of " + config.scenario().entries().size() + " requests)" : config.url(),
        config.connections(), config.connections() == 1 ? "" : "s", config.threads(), config.threads() == 1 ? "" : "s",
        agents > 1 ? " per agent, " + agents + " agent processes" : "", model, seconds(), config.warmup().toMillis() / 1000.0));
    sb.append(String.format(Locale.ROOT, "  requests: %d in %.2f s = %.1f req/s%n", responses(), seconds(), requestsPerSecond()));
    sb.append(String.format(Locale.ROOT, "  latency ms%s: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
        config.openModel() ? " (from intended send time)" : "",
        latencyMs(50), latencyMs(90), latencyMs(99), latencyMs(99.9), maxLatencyMs()));
    JsonObject byOutcome = measured.total().latencyByOutcomeJson();
    if (byOutcome != null) {
      JsonObject ok = byOutcome.getJsonObject("ok");
      JsonObject bad = byOutcome.getJsonObject("errorStatus");
      sb.append(String.format(Locale.ROOT, "  of which successful: %d, p50 %.3f  p99 %.3f  max %.3f; error statuses: %d, p50 %.3f  p99 %.3f  max %.3f%n",
          ok.getLong("responses"), ok.getDouble("p50"), ok.getDouble("p99"), ok.getDouble("max"),
          bad.getLong("responses"), bad.getDouble("p50"), bad.getDouble("p99"), bad.getDouble("max")));
    }
    if (config.openModel()) {
      sb.append(String.format(Locale.ROOT, "  of which before the send (all connections busy, or the generator late): p50 %.3f  p99 %.3f  max %.3f%n",
          sendLagMs(50), sendLagMs(99), sendLagMaxMs()));
      for (PhaseStats p : new PhaseStats[] {warmup, measured}) {
        if (p != null) {
          RequestStats t = p.total();
          sb.append(String.format(Locale.ROOT, "  %s: %d of %d requests waited for a free connection, %d were sent more than %.1f ms late, %d dropped (never sent)%n",
              p.phase(), t.waited(), t.attempts(), t.late(), config.lateAfter().toNanos() / 1e6, t.dropped()));
        }
      }
    }
    sb.append("  errors:");
    for (ErrorKind k : ErrorKind.values()) {
      sb.append(' ').append(k.label()).append(' ').append(errors(k));
    }
    sb.append(String.format(Locale.ROOT, "  (rate %.3f%%)%n", errorRate() * 100));
    if (!measured.byRequest().isEmpty()) {
      sb.append(String.format(Locale.ROOT, "  %-16s %9s %7s %9s %9s %9s %8s%n", "by request", "requests", "share", "p50 ms", "p99 ms", "max ms", "errors"));
      for (Map.Entry<String, RequestStats> e : measured.byRequest().entrySet()) {
        RequestStats s = e.getValue();
        sb.append(String.format(Locale.ROOT, "  %-16s %9d %6.1f%% %9.3f %9.3f %9.3f %8d%n", e.getKey(), s.responses(),
            attempts() == 0 ? 0 : 100.0 * s.attempts() / attempts(), s.latencyMs(50), s.latencyMs(99), s.maxLatencyMs(), s.errorCount()));
      }
    }
    sb.append(String.format(Locale.ROOT, "  load generator CPU: %.2f cores on average while measuring%n", clientCpuCores));
    return sb.toString();
  }

  static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }
}
