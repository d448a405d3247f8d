package dev.storefront.coordination;

import dev.storefront.config.Settings;
import dev.storefront.config.SettingsException;
import dev.storefront.failure.Failure;

import java.util.concurrent.TimeUnit;

/** Lock leases: the default ({@code coordination.lockLeaseDefaultMs}) and the most a request may ask for ({@code coordination.lockLeaseMaxMs}). */
public record Leases(long defaultMs, long maxMs) {

  public Leases {
    if (defaultMs < 1 || maxMs < defaultMs) {
      throw new SettingsException("coordination.lockLeaseDefaultMs",
          "must be between 1 and coordination.lockLeaseMaxMs (" + maxMs + "), got " + defaultMs);
    }
  }

  public static Leases from(Settings settings) {
    return new Leases(settings.longValue("coordination.lockLeaseDefaultMs"), settings.longValue("coordination.lockLeaseMaxMs"));
  }

  /**
   * Checks an acquisition's arguments (a negative {@code timeoutMs} is a bug, a lease out of bounds a 400) and
   * returns its deadline on {@link System#nanoTime()}'s clock.
   */
  public long acquireDeadline(long timeoutMs, long leaseMs) {
    if (timeoutMs < 0) {
      throw new IllegalArgumentException("timeoutMs must be >= 0");
    }
    check(leaseMs);
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
  }

  /** Returns {@code leaseMs} or throws a 400 naming the bounds. */
  public long check(long leaseMs) {
    if (leaseMs < 1 || leaseMs > maxMs) {
      throw Failure.invalid("leaseMs must be between 1 and " + maxMs + " (coordination.lockLeaseMaxMs), got " + leaseMs);
    }
    return leaseMs;
  }
}
