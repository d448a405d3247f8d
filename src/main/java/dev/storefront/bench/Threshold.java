package dev.storefront.bench;

import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A condition on a run's figures, as {@code --fail-if} (fail when it holds) and {@code --slo} (met when it holds)
 * take it: {@code [REQUEST:]METRIC OP VALUE[UNIT]}, e.g. {@code p99>20ms}, {@code errors>0.1%},
 * {@code rps<1000}, {@code listing:p50>=5ms}.
 * <ul>
 *   <li>latency: {@code p50}, {@code p99}, {@code p99.9} (also {@code p999}), {@code max}, {@code mean}; units
 *       {@code us}, {@code ms} (the default), {@code s}</li>
 *   <li>{@code errors}, {@code late}, {@code dropped}, {@code waited}: with {@code %} a share of the attempted
 *       requests, without a count</li>
 *   <li>{@code rps}: responses per second; {@code requests}: responses; {@code knee}: a ramp's knee in req/s
 *       (0 when no step met the objectives)</li>
 * </ul>
 * OP is one of {@code > >= < <=}. A {@code REQUEST:} prefix applies it to one named request of the scenario.
 */
public record Threshold(String expression, String request, String metric, String op, double value, boolean percent) {

  private static final Pattern FORMAT = Pattern.compile(
      "(?:([A-Za-z0-9_.-]+):)?\\s*([a-z]+|p\\d+(?:\\.\\d+)?)\\s*(>=|<=|>|<)\\s*(\\d+(?:\\.\\d+)?)\\s*(us|ms|s|%)?");

  /** The figures a threshold reads: one set of requests, the seconds they were sent over, a ramp's knee (or null). */
  public record Figures(RequestStats stats, double seconds, Double knee) {
    public Figures(RequestStats stats, double seconds) {
      this(stats, seconds, null);
    }
  }

  /** A threshold checked against figures: {@code holds} is whether the condition is true. */
  public record Check(Threshold threshold, double actual, boolean holds) {
    public JsonObject toJson() {
      return new JsonObject().put("expression", threshold.expression()).put("actual", LoadResult.round(actual, 4))
          .put("unit", threshold.unit()).put("holds", holds);
    }

    /** e.g. {@code p99>20ms (p99 = 25.300 ms)}. */
    public String describe() {
      String unit = threshold.unit();
      return String.format(Locale.ROOT, "%s (%s = %s%s)", threshold.expression(),
          (threshold.request() == null ? "" : threshold.request() + ":") + threshold.metric(),
          format(actual), unit.isEmpty() ? "" : unit.equals("%") ? "%" : " " + unit);
    }

    private static String format(double v) {
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
    }
  }

  /** Parses an expression; IllegalArgumentException (with the accepted forms) when it cannot be read. */
  public static Threshold parse(String text) {
    String t = text.trim();
    Matcher m = FORMAT.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("cannot read threshold '" + text + "': use e.g. 'p99>20ms', 'errors>0.1%', "
          + "'rps<1000', 'max>=1s', 'knee<1000' or 'NAME:p50>5ms' (metrics p<N>, max, mean, errors, late, dropped, waited, rps, requests, knee)");
    }
    String metric = m.group(2);
    String unit = m.group(5);
    double value = Double.parseDouble(m.group(4));
    if (latency(metric)) {
      if (metric.startsWith("p")) {
        double pct = percentile(metric);
        if (!(pct > 0 && pct <= 100)) {
          throw new IllegalArgumentException("threshold '" + text + "': the percentile must be in (0, 100]");
        }
      }
      if ("%".equals(unit)) {
        throw new IllegalArgumentException("threshold '" + text + "': a latency takes us, ms or s, not %");
      }
      value = switch (unit == null ? "ms" : unit) {
        case "us" -> value / 1000;
        case "s" -> value * 1000;
        default -> value;
      };
    } else if (switch (metric) { case "errors", "late", "dropped", "waited", "rps", "requests", "knee" -> false; default -> true; }) {
      throw new IllegalArgumentException("threshold '" + text + "': unknown metric '" + metric
          + "' (use p<N>, max, mean, errors, late, dropped, waited, rps, requests or knee)");
    } else if (unit != null && !unit.equals("%")) {
      throw new IllegalArgumentException("threshold '" + text + "': " + metric + " takes a count or a %, not " + unit);
    } else if (unit != null && (metric.equals("rps") || metric.equals("requests") || metric.equals("knee"))) {
      throw new IllegalArgumentException("threshold '" + text + "': " + metric + " is a number, not a %");
    }
    return new Threshold(t, m.group(1), metric, m.group(3), value, "%".equals(unit));
  }

  private static boolean latency(String metric) {
    return metric.equals("max") || metric.equals("mean") || metric.matches("p\\d+(\\.\\d+)?");
  }

  /** {@code p99.9} and {@code p999} are both 99.9; {@code p9999} is 99.99. */
  private static double percentile(String metric) {
    String digits = metric.substring(1);
    if (!digits.contains(".") && digits.length() > 2 && digits.startsWith("99")) {
      digits = digits.substring(0, 2) + "." + digits.substring(2);
    }
    return Double.parseDouble(digits);
  }

  /** The unit of {@link Check#actual()}: ms for latencies, % or empty. */
  public String unit() {
    if (latency(metric)) {
      return "ms";
    }
    if (metric.equals("rps") || metric.equals("knee")) {
      return "req/s";
    }
    return percent ? "%" : "";
  }

  /** The figure this threshold reads, in {@link #unit()}. */
  public double actual(Figures f) {
    RequestStats s = f.stats();
    long attempts = s.attempts();
    return switch (metric) {
      case "max" -> s.maxLatencyMs();
      case "mean" -> s.meanLatencyMs();
      case "rps" -> f.seconds() > 0 ? s.responses() / f.seconds() : 0;
      case "requests" -> s.responses();
      case "knee" -> f.knee() == null ? 0 : f.knee();
      case "errors" -> share(s.errorCount(), attempts);
      case "late" -> share(s.late(), attempts);
      case "dropped" -> share(s.dropped(), attempts);
      case "waited" -> share(s.waited(), attempts);
      default -> s.latencyMs(percentile(metric));
    };
  }

  private double share(long count, long attempts) {
    if (!percent) {
      return count;
    }
    return attempts == 0 ? 100.0 : 100.0 * count / attempts;
  }

  public boolean holds(double actual) {
    return switch (op) {
      case ">" -> actual > value;
      case ">=" -> actual >= value;
      case "<" -> actual < value;
      default -> actual <= value;
    };
  }

  public Check check(Figures f) {
    double actual = actual(f);
    return new Check(this, actual, holds(actual));
  }

  /** Whether this is about the error rate or count of the whole run (then --max-error-rate steps aside). */
  public boolean aboutAllErrors() {
    return request == null && metric.equals("errors");
  }
}
