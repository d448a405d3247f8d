package dev.storefront.bench;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --ramp FROM..TO/DURATION}: the offered rate goes from FROM to TO requests per second over DURATION, in
 * steps of {@code step} (whole seconds, so each step is a whole number of the per-second figures).
 */
public record Ramp(double from, double to, Duration duration, Duration step) {

  private static final Pattern FORMAT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*\\.\\.\\s*(\\d+(?:\\.\\d+)?)\\s*/\\s*(\\S+)");

  public Ramp {
    if (!(from > 0) || !(to > 0) || Double.isInfinite(from) || Double.isInfinite(to)) {
      throw new IllegalArgumentException("--ramp rates must be positive, got " + from + ".." + to);
    }
    if (step.toMillis() < 1000 || step.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException("--ramp-step must be a whole number of seconds, got " + step.toMillis() + " ms");
    }
    if (duration.compareTo(step) < 0) {
      throw new IllegalArgumentException("--ramp's duration " + duration.toMillis() + " ms is shorter than one step ("
          + step.toMillis() + " ms)");
    }
  }

  /** Parses {@code 500..8000/60s}. */
  public static Ramp parse(String text, Duration step) {
    Matcher m = FORMAT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("--ramp must look like 500..8000/60s, got '" + text + "'");
    }
    Duration duration;
    try {
      duration = DurationConverter.parse(m.group(3));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--ramp's duration: " + e.getMessage());
    }
    return new Ramp(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), duration, step);
  }

  public RateSchedule schedule() {
    return RateSchedule.ramp(from, to, duration.toNanos(), step.toNanos());
  }

  /** The same ramp with both rates multiplied by {@code factor}. */
  public Ramp scaled(double factor) {
    return new Ramp(from * factor, to * factor, duration, step);
  }

  public JsonObject toJson() {
    return new JsonObject().put("from", from).put("to", to).put("durationMs", duration.toMillis())
        .put("stepMs", step.toMillis());
  }

  public static Ramp fromJson(JsonObject json) {
    return new Ramp(json.getDouble("from"), json.getDouble("to"), Duration.ofMillis(json.getLong("durationMs")),
        Duration.ofMillis(json.getLong("stepMs")));
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "%.0f..%.0f req/s over %.0f s in %.0f s steps", from, to,
        duration.toMillis() / 1000.0, step.toMillis() / 1000.0);
  }
}
