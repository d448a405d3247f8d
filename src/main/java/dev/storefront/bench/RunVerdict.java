package dev.storefront.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A finished {@code bench http} run judged: a ramp's knee found, each {@code --fail-if} checked, the error rate held
 * against the allowed one; with the figures and text to print and the failures that make the exit code 1.
 *
 * @param allowedErrorRate infinite when a {@code --fail-if} about errors took the place of {@code --max-error-rate}
 */
public record RunVerdict(LoadResult result, Knee knee, List<Threshold.Check> checks, double allowedErrorRate,
                         List<String> failures) {

  static final double DEFAULT_MAX_ERROR_RATE = 0.01;

  /**
   * Judges {@code result}: {@code failIf} thresholds, {@code slo} objectives and {@code tolerance} for a ramp's knee,
   * {@code maxErrorRate} (null: {@value #DEFAULT_MAX_ERROR_RATE}, or none when a threshold is about errors).
   */
  public static RunVerdict judge(LoadResult result, List<Threshold> failIf, List<Threshold> slo, double tolerance,
                                 Double maxErrorRate) {
    LoadConfig config = result.config();
    Knee knee = config.ramp() == null ? null : Knee.find(result.measured(), config.measuredSchedule(), slo, tolerance);
    List<Threshold.Check> checks = failIf.stream().map(t -> t.check(figures(result, t, knee))).toList();
    List<String> failures = new ArrayList<>();
    for (Threshold.Check c : checks) {
      if (c.holds()) {
        failures.add("threshold crossed (--fail-if): " + c.describe());
      }
    }
    double allowed = maxErrorRate != null ? maxErrorRate
        : failIf.stream().anyMatch(Threshold::aboutAllErrors) ? Double.POSITIVE_INFINITY : DEFAULT_MAX_ERROR_RATE;
    if (result.errorRate() > allowed) {
      failures.add(String.format(Locale.ROOT, "error rate %.3f%% is above the allowed %.3f%% (--max-error-rate)",
          result.errorRate() * 100, allowed * 100));
    }
    return new RunVerdict(result, knee, checks, allowed, failures);
  }

  /** The figures a threshold reads: the whole measured phase, or one named request of it. */
  static Threshold.Figures figures(LoadResult result, Threshold t, Knee knee) {
    RequestStats stats = t.request() == null ? result.measured().total() : result.measured().byRequest().get(t.request());
    return new Threshold.Figures(stats == null ? new RequestStats() : stats, result.seconds(),
        knee == null ? null : knee.rate());
  }

  /** The run's JSON with the allowance, the thresholds' outcomes and the ramp. */
  public JsonObject figures() {
    JsonObject figures = result.toJson()
        .put("maxErrorRate", Double.isInfinite(allowedErrorRate) ? null : allowedErrorRate)
        .put("thresholds", new JsonArray(checks.stream().map(Threshold.Check::toJson).toList()));
    if (knee != null) {
      figures.put("ramp", knee.toJson());
    }
    return figures;
  }

  public String text() {
    StringBuilder text = new StringBuilder(result.describe());
    if (knee != null) {
      text.append(knee.describe());
    }
    for (Threshold.Check c : checks) {
      text.append("  --fail-if ").append(c.describe()).append(c.holds() ? ": CROSSED" : ": ok").append('\n');
    }
    return text.toString();
  }
}
