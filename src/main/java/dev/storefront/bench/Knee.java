package dev.storefront.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The knee of a ramp: the highest offered rate whose step met every objective ({@code --slo}, e.g.
 * {@code p99<20ms}) and whose throughput (successful responses arriving during the step) came within
 * {@code tolerance} of the offered rate. Each step is judged on the requests intended in it.
 *
 * @param rate null when no step met the objectives
 */
public record Knee(List<Threshold> slo, double tolerance, List<Step> steps, Double rate) {

  /** One step of the ramp: offered and achieved rates (req/s), its latencies and how each objective fared. */
  public record Step(int step, double offeredRps, double achievedRps, RequestStats stats, List<Threshold.Check> checks,
                     boolean meets) {

    JsonObject toJson() {
      return new JsonObject().put("step", step).put("offeredRps", LoadResult.round(offeredRps, 1))
          .put("achievedRps", LoadResult.round(achievedRps, 1)).put("requests", stats.responses())
          .put("p50Ms", LoadResult.round(stats.latencyMs(50), 3)).put("p99Ms", LoadResult.round(stats.latencyMs(99), 3))
          .put("maxMs", LoadResult.round(stats.maxLatencyMs(), 3)).put("errors", stats.errorCount())
          .put("slo", new JsonArray(checks.stream().map(Threshold.Check::toJson).toList())).put("meets", meets);
    }
  }

  /** Judges each step of {@code schedule} (whole seconds long) on the measured phase's per-second figures. */
  public static Knee find(PhaseStats measured, RateSchedule schedule, List<Threshold> slo, double tolerance) {
    int secondsPerStep = (int) Math.max(1, schedule.stepNs() / 1_000_000_000L);
    List<Step> steps = new ArrayList<>();
    Double knee = null;
    for (int k = 0; k < schedule.steps(); k++) {
      RequestStats stats = new RequestStats();
      for (int s = k * secondsPerStep; s < (k + 1) * secondsPerStep && s < measured.seconds().size(); s++) {
        stats.add(measured.seconds().get(s));
      }
      double offered = schedule.rate(k);
      double achieved = (double) stats.completed() / secondsPerStep;
      List<Threshold.Check> checks = new ArrayList<>();
      boolean meets = achieved >= offered * (1 - tolerance);
      for (Threshold t : slo) {
        Threshold.Check c = t.check(new Threshold.Figures(stats, secondsPerStep));
        checks.add(c);
        meets &= c.holds();
      }
      steps.add(new Step(k, offered, achieved, stats, checks, meets));
      if (meets && (knee == null || offered > knee)) {
        knee = offered;
      }
    }
    return new Knee(List.copyOf(slo), tolerance, List.copyOf(steps), knee);
  }

  public JsonObject toJson() {
    return new JsonObject().put("slo", new JsonArray(slo.stream().map(Threshold::expression).toList()))
        .put("tolerance", tolerance).put("kneeRps", rate == null ? null : LoadResult.round(rate, 1))
        .put("steps", new JsonArray(steps.stream().map(Step::toJson).toList()));
  }

  public String describe() {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-5s %12s %13s %9s %9s %9s %7s  %s%n",
        "step", "offered/s", "achieved/s", "p50 ms", "p99 ms", "max ms", "errors", "meets"));
    for (Step s : steps) {
      sb.append(String.format(Locale.ROOT, "  %-5d %12.1f %13.1f %9.3f %9.3f %9.3f %7d  %s%n", s.step(), s.offeredRps(),
          s.achievedRps(), s.stats().latencyMs(50), s.stats().latencyMs(99), s.stats().maxLatencyMs(),
          s.stats().errorCount(), s.meets() ? "yes" : "no"));
    }
    String objectives = (slo.isEmpty() ? "" : String.join(" and ", slo.stream().map(Threshold::expression).toList()) + " held and ")
        + String.format(Locale.ROOT, "throughput within %.0f%% of the offered rate", tolerance * 100);
    sb.append(rate == null
        ? "  knee: none (no step had " + objectives + ")\n"
        : String.format(Locale.ROOT, "  knee: %.1f req/s (the highest offered rate at which %s)%n", rate, objectives));
    return sb.toString();
  }
}
