package dev.storefront.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Two {@code bench http} runs side by side ({@code result.json} or {@code --json} output): throughput, latency
 * percentiles, maximum and error rate, each with its change and, where the runs have per-second figures, a verdict
 * on noise from Welch's t-test over the measured seconds (the seconds' spread within each run is the noise).
 */
public record RunComparison(List<Row> rows, List<String> warnings) {

  /** Two-sided 95% critical values of Student's t for 1..10, 15, 20, 30, 60 degrees of freedom, then the normal's. */
  private static final double[][] T_95 = {{1, 12.706}, {2, 4.303}, {3, 3.182}, {4, 2.776}, {5, 2.571}, {6, 2.447},
      {7, 2.365}, {8, 2.306}, {9, 2.262}, {10, 2.228}, {15, 2.131}, {20, 2.086}, {30, 2.042}, {60, 2.000}};
  private static final int MIN_SECONDS = 3;

  /** A per-second t-test: {@code t} of B's mean against A's, over {@code nA} and {@code nB} seconds. */
  public record Verdict(double t, int nA, int nB, boolean beyondNoise, String text) {
  }

  /** One metric; {@code verdict} null when it cannot be judged per second (a maximum, a knee). */
  public record Row(String metric, double a, double b, Verdict verdict) {
    public double changePercent() {
      return a == 0 ? (b == 0 ? 0 : Double.POSITIVE_INFINITY) : (b - a) / a * 100;
    }

    JsonObject toJson() {
      return new JsonObject().put("metric", metric).put("a", a).put("b", b)
          .put("changePercent", Double.isInfinite(changePercent()) ? null : LoadResult.round(changePercent(), 2))
          .put("t", verdict == null || Double.isInfinite(verdict.t()) ? null : LoadResult.round(verdict.t(), 3))
          .put("beyondNoise", verdict == null ? null : verdict.beyondNoise())
          .put("verdict", verdict == null ? "not judged (one value per run)" : verdict.text());
    }
  }

  public static RunComparison of(JsonObject a, JsonObject b) {
    List<String> warnings = new ArrayList<>();
    JsonObject ma = a.getJsonObject("machine", new JsonObject());
    JsonObject mb = b.getJsonObject("machine", new JsonObject());
    for (String key : new String[] {"cores", "jdk", "os", "transport"}) {
      if (!String.valueOf(ma.getValue(key)).equals(String.valueOf(mb.getValue(key)))) {
        warnings.add("the machines differ in " + key + ": " + ma.getValue(key) + " vs " + mb.getValue(key));
      }
    }
    JsonObject ca = a.getJsonObject("config", new JsonObject());
    JsonObject cb = b.getJsonObject("config", new JsonObject());
    for (String key : new String[] {"url", "connections", "model", "rate", "ramp", "scenario"}) {
      if (!String.valueOf(ca.getValue(key)).equals(String.valueOf(cb.getValue(key)))) {
        warnings.add("the settings differ in " + key + ": " + ca.getValue(key) + " vs " + cb.getValue(key));
      }
    }
    if (!a.containsKey("requestsPerSec") || !b.containsKey("requestsPerSec")) {
      throw new IllegalArgumentException("not bench http results (no requestsPerSec)");
    }
    JsonArray sa = seconds(a);
    JsonArray sb = seconds(b);
    List<Row> rows = new ArrayList<>();
    rows.add(row("req/s", a.getDouble("requestsPerSec"), b.getDouble("requestsPerSec"), sa, sb,
        s -> s.getLong("completedPerSec", 0L), false));
    for (String p : new String[] {"p50", "p90", "p99"}) {
      String key = p + "Ms";
      rows.add(row(p + " ms", latency(a, p), latency(b, p), sa, sb, s -> s.getDouble(key, 0.0), true));
    }
    rows.add(new Row("max ms", latency(a, "max"), latency(b, "max"), null));
    rows.add(row("errors %", a.getDouble("errorRate", 0.0) * 100, b.getDouble("errorRate", 0.0) * 100, sa, sb,
        s -> 100.0 * s.getLong("errors", 0L) / Math.max(1, s.getLong("requests", 0L) + s.getLong("errors", 0L)), false));
    Double kneeA = knee(a);
    Double kneeB = knee(b);
    if (kneeA != null && kneeB != null) {
      rows.add(new Row("knee req/s", kneeA, kneeB, null));
    }
    return new RunComparison(rows, warnings);
  }

  private static double latency(JsonObject run, String p) {
    return run.getJsonObject("latencyMs", new JsonObject()).getDouble(p, 0.0);
  }

  private static Double knee(JsonObject run) {
    JsonObject ramp = run.getJsonObject("ramp");
    return ramp == null || ramp.getValue("kneeRps") == null ? null : ramp.getDouble("kneeRps");
  }

  /** The measured seconds (the drain after the duration left out). */
  private static JsonArray seconds(JsonObject run) {
    JsonArray all = run.getJsonArray("timeseries", new JsonArray());
    double duration = run.getJsonObject("config", new JsonObject()).getDouble("durationSeconds", (double) all.size());
    JsonArray measured = new JsonArray();
    for (int i = 0; i < all.size() && i + 1 <= duration + 1e-9; i++) {
      measured.add(all.getJsonObject(i));
    }
    return measured;
  }

  private static Row row(String metric, double a, double b, JsonArray sa, JsonArray sb,
                         ToDoubleFunction<JsonObject> value, boolean needsRequests) {
    double[] xa = values(sa, value, needsRequests);
    double[] xb = values(sb, value, needsRequests);
    return new Row(metric, a, b, verdict(xa, xb));
  }

  private static double[] values(JsonArray seconds, ToDoubleFunction<JsonObject> value, boolean needsRequests) {
    List<Double> v = new ArrayList<>();
    for (int i = 0; i < seconds.size(); i++) {
      JsonObject s = seconds.getJsonObject(i);
      if (!needsRequests || s.getLong("requests", 0L) > 0) {
        v.add(value.applyAsDouble(s));
      }
    }
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Welch's t-test of two samples' means; "beyond noise" at the two-sided 95% level. */
  static Verdict verdict(double[] a, double[] b) {
    int na = a.length;
    int nb = b.length;
    if (na < MIN_SECONDS || nb < MIN_SECONDS) {
      return new Verdict(Double.NaN, na, nb, false, String.format(Locale.ROOT,
          "too few seconds to judge (%d vs %d; at least %d each)", na, nb, MIN_SECONDS));
    }
    double ma = mean(a);
    double mb = mean(b);
    double va = variance(a, ma) / na;
    double vb = variance(b, mb) / nb;
    double se = Math.sqrt(va + vb);
    double t = se == 0 ? (mb == ma ? 0 : Math.copySign(Double.POSITIVE_INFINITY, mb - ma)) : (mb - ma) / se;
    double df = se == 0 ? na + nb - 2 : (va + vb) * (va + vb) / (va * va / (na - 1) + vb * vb / (nb - 1));
    boolean beyond = Math.abs(t) > critical(df);
    return new Verdict(t, na, nb, beyond, String.format(Locale.ROOT, "%s (t = %s over %d vs %d seconds)",
        beyond ? "beyond noise" : "within noise", Double.isInfinite(t) ? (t > 0 ? "+inf" : "-inf")
            : String.format(Locale.ROOT, "%.2f", t), na, nb));
  }

  static double critical(double df) {
    for (double[] row : T_95) {
      if (df <= row[0]) {
        return row[1];
      }
    }
    return 1.960;
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  private static double variance(double[] x, double mean) {
    double s = 0;
    for (double v : x) {
      s += (v - mean) * (v - mean);
    }
    return s / (x.length - 1);
  }

  public JsonObject toJson() {
    return new JsonObject().put("rows", new JsonArray(rows.stream().map(Row::toJson).toList()))
        .put("warnings", new JsonArray(List.copyOf(warnings)));
  }

  public String describe() {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-11s %12s %12s %9s  %s%n", "metric", "A", "B", "change", "verdict"));
    for (Row r : rows) {
      double c = r.changePercent();
      sb.append(String.format(Locale.ROOT, "  %-11s %12.3f %12.3f %9s  %s%n", r.metric(), r.a(), r.b(),
          Double.isInfinite(c) ? "new" : String.format(Locale.ROOT, "%+.1f%%", c),
          r.verdict() == null ? "not judged (one value per run)" : r.verdict().text()));
    }
    for (String w : warnings) {
      sb.append("  warning: ").append(w).append('\n');
    }
    sb.append("  (seconds next to each other are not independent samples: read a verdict near the line as a hint,\n")
        .append("   and confirm with repeated runs taken in turn, A B A B)\n");
    return sb.toString();
  }
}
