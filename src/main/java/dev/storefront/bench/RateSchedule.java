package dev.storefront.bench;

import java.util.Arrays;

/**
 * The open model's offered load: equal-length steps, each at a constant rate (one step for a constant rate, many
 * for a ramp). Request {@code n} (from 0) is intended at the time when the expected count of requests reaches
 * {@code n}, so the requests of a step are evenly spaced at that step's rate.
 */
public final class RateSchedule {

  private final double[] rates;
  private final long stepNs;
  /** Expected requests before each step's start; one more entry, the total, at the end. */
  private final double[] before;

  private RateSchedule(double[] rates, long stepNs) {
    if (rates.length == 0 || stepNs <= 0) {
      throw new IllegalArgumentException("a schedule needs at least one step of positive length");
    }
    for (double r : rates) {
      if (!(r >= 0) || Double.isInfinite(r)) {
        throw new IllegalArgumentException("rates must be finite and not negative, got " + r);
      }
    }
    this.rates = rates.clone();
    this.stepNs = stepNs;
    this.before = new double[rates.length + 1];
    for (int i = 0; i < rates.length; i++) {
      before[i + 1] = before[i] + rates[i] * stepNs / 1e9;
    }
  }

  /** {@code rate} requests per second for {@code durationNs}. */
  public static RateSchedule constant(double rate, long durationNs) {
    return new RateSchedule(new double[] {rate}, durationNs);
  }

  /**
   * From {@code from} to {@code to} requests per second in steps of {@code stepNs} over {@code durationNs} (rounded
   * down to whole steps, at least one): the first step runs at {@code from}, the last at {@code to}.
   */
  public static RateSchedule ramp(double from, double to, long durationNs, long stepNs) {
    int steps = (int) Math.max(1, durationNs / stepNs);
    double[] rates = new double[steps];
    for (int i = 0; i < steps; i++) {
      rates[i] = steps == 1 ? from : from + (to - from) * i / (steps - 1);
    }
    return new RateSchedule(rates, stepNs);
  }

  /** The same schedule with every rate multiplied by {@code factor} (an event loop's or agent's share). */
  public RateSchedule scaled(double factor) {
    double[] scaled = Arrays.stream(rates).map(r -> r * factor).toArray();
    return new RateSchedule(scaled, stepNs);
  }

  public int steps() {
    return rates.length;
  }

  public long stepNs() {
    return stepNs;
  }

  public double rate(int step) {
    return rates[step];
  }

  public long durationNs() {
    return stepNs * rates.length;
  }

  /** The offered rate at {@code offsetNs} from the start (0 outside the schedule). */
  public double rateAt(long offsetNs) {
    if (offsetNs < 0 || offsetNs >= durationNs()) {
      return 0;
    }
    return rates[(int) (offsetNs / stepNs)];
  }

  /** Requests the schedule sends in all. */
  public long count() {
    return (long) Math.ceil(before[rates.length] - 1e-9);
  }

  /** Requests intended at or before {@code offsetNs} (capped at {@link #count()}). */
  public long dueAt(long offsetNs) {
    if (offsetNs < 0) {
      return 0;
    }
    if (offsetNs >= durationNs()) {
      return count();
    }
    int step = (int) (offsetNs / stepNs);
    double expected = before[step] + rates[step] * (offsetNs - (long) step * stepNs) / 1e9;
    return Math.min(count(), (long) Math.floor(expected + 1e-9) + 1);
  }

  /** When request {@code n} (from 0, below {@link #count()}) is intended, as an offset from the start. */
  public long offsetOf(long n) {
    int lo = 0;
    int hi = rates.length - 1;
    while (lo < hi) { // the last step whose start count is at most n
      int mid = (lo + hi + 1) >>> 1;
      if (before[mid] <= n + 1e-9) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    while (lo > 0 && rates[lo] == 0) {
      lo--;
    }
    double into = rates[lo] == 0 ? 0 : (n - before[lo]) / rates[lo] * 1e9;
    return (long) lo * stepNs + (long) Math.ceil(Math.max(0, into)); // rounded up: never before its time
  }
}
