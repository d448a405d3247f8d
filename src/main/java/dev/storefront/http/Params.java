package dev.storefront.http;

import dev.storefront.failure.Failure;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;

import java.util.HashSet;
import java.util.Set;

/**
 * Request parameter parsing with the service's one rule for ids (a positive 32-bit integer in canonical form, else
 * 400) and for query strings (each route names the parameters it takes; any other, or one given twice, is a 400).
 */
public final class Params {

  private Params() {
  }

  /** A path or query id: digits only without leading zeros, 1..2^31-1. */
  /**
   * The request's JSON object body, decoded once per request and shared by whoever asks (vert.x-web keeps the decoded
   * object), or {@code null} when there is none; a body that is not one JSON object, or starts with a byte order
   * mark, is a 400 {@code notAnObject}.
   */
  public static JsonObject jsonBody(RoutingContext ctx, String notAnObject) {
    RequestBody body = ctx.body();
    if (body == null || body.length() <= 0) {
      return null;
    }
    if (body.buffer().getByte(0) == (byte) 0xEF) {
      throw Failure.invalid(notAnObject); // a byte order mark, which Jackson's byte parser would skip: not JSON text
    }
    try {
      return body.asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw Failure.invalid(notAnObject);
    }
  }

  public static int positiveId(String raw, String what) {
    if (raw == null || raw.isEmpty()) {
      throw Failure.invalid(what + " is required");
    }
    if (raw.length() > 10 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw Failure.invalid(what + " must be a positive integer, got '" + abbreviate(raw) + "'");
    }
    if (raw.charAt(0) == '0' && raw.length() > 1) {
      throw Failure.invalid(what + " must be written without leading zeros, got '" + raw + "'");
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
    String digits = raw.startsWith("-") ? raw.substring(1) : raw;
    if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
        || (digits.charAt(0) == '0' && digits.length() > 1)) {
      throw Failure.invalid(name + " must be an integer between " + min + " and " + max + ", got '" + abbreviate(raw) + "'");
    }
    long v = Long.parseLong(raw);
    if (v < min || v > max) {
      throw Failure.invalid(name + " must be between " + min + " and " + max + ", got " + v);
    }
    return (int) v;
  }

  /**
   * A handler to put before a route's own: a 400 unless every query parameter is one of {@code names} (exact case),
   * each given at most once; a name written {@code "word*"} may repeat. With no names, the route takes no query.
   */
  public static Handler<RoutingContext> query(String... names) {
    Set<String> once = new HashSet<>();
    Set<String> repeatable = new HashSet<>();
    for (String n : names) {
      if (n.endsWith("*")) {
        repeatable.add(n.substring(0, n.length() - 1));
      } else {
        once.add(n);
      }
    }
    String accepted = names.length == 0 ? "this resource takes no query parameters"
        : "this resource takes " + String.join(", ", names).replace("*", " (repeatable)");
    return ctx -> {
      MultiMap query = ctx.queryParams();
      for (String name : query.names()) {
        if (!once.contains(name) && !repeatable.contains(name)) {
          throw Failure.invalid("unknown query parameter '" + abbreviate(name) + "': " + accepted);
        }
        if (once.contains(name) && query.getAll(name).size() > 1) {
          throw Failure.invalid("query parameter '" + name + "' is given " + query.getAll(name).size() + " times; give it once");
        }
      }
      ctx.next();
    };
  }

  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  static String abbreviate200(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
