package dev.storefront.http;

import dev.storefront.failure.Failure;

import io.vertx.ext.web.RoutingContext;

/** Request parameter parsing with the service's one rule for ids: a positive 32-bit integer, else 400. */
public final class Params {

  private Params() {
  }

  /** A path or query id: digits only, 1..2^31-1. */
  public static int positiveId(String raw, String what) {
    if (raw == null || raw.isEmpty()) {
      throw Failure.invalid(what + " is required");
    }
    if (raw.length() > 10 || !raw.chars().allMatch(Character::isDigit)) {
      throw Failure.invalid(what + " must be a positive integer, got '" + abbreviate(raw) + "'");
    }
    long v = Long.parseLong(raw);
    if (v < 1 || v > Integer.MAX_VALUE) {
      throw Failure.invalid(what + " must be between 1 and " + Integer.MAX_VALUE + ", got " + raw);
    }
    return (int) v;
  }

  public static int pathId(RoutingContext ctx, String name) {
    return positiveId(ctx.pathParam(name), name);
  }

  /** An optional integer query parameter within bounds, with a default. */
  public static int queryInt(RoutingContext ctx, String name, int def, int min, int max) {
    String raw = ctx.request().getParam(name);
    if (raw == null) {
      return def;
    }
    if (raw.isEmpty() || raw.length() > 10 || !raw.chars().allMatch(c -> Character.isDigit(c) || c == '-')) {
      throw Failure.invalid(name + " must be an integer between " + min + " and " + max + ", got '" + abbreviate(raw) + "'");
    }
    long v;
    try {
      v = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw Failure.invalid(name + " must be an integer between " + min + " and " + max + ", got '" + abbreviate(raw) + "'");
    }
    if (v < min || v > max) {
      throw Failure.invalid(name + " must be between " + min + " and " + max + ", got " + v);
    }
    return (int) v;
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
