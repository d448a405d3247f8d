package dev.storefront.bench;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * What {@code bench http} runs: target URL (may contain {@code {id}}; with a scenario only its host and port
 * count), connections, event-loop threads, measured duration, warm-up, rate (0 = closed loop), id range, request
 * timeout, an optional rate ramp (replacing the constant rate and the duration), an optional scenario of weighted
 * requests, and how late after its intended time a request counts as sent late.
 */
public record LoadConfig(String url, int connections, int threads, Duration duration, Duration warmup,
                         double rate, int idMin, int idMax, Duration timeout, Ramp ramp, Scenario scenario,
                         Duration lateAfter) {

  public static final String ID_PLACEHOLDER = "{id}";
  /** The open model's 1 ms tick alone delays a send by up to 1 ms: later than 2 ms is the generator falling behind. */
  public static final Duration DEFAULT_LATE_AFTER = Duration.ofMillis(2);

  public LoadConfig {
    if (connections < 1) {
      throw new IllegalArgumentException("--connections must be at least 1, got " + connections);
    }
    if (threads < 1 || threads > connections) {
      throw new IllegalArgumentException("--threads must be between 1 and the connection count " + connections + ", got " + threads);
    }
    if (ramp != null) {
      duration = Duration.ofNanos(ramp.schedule().durationNs()); // whole steps
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("--duration must be positive, got " + duration);
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("--warmup must not be negative, got " + warmup);
    }
    if (rate < 0 || Double.isNaN(rate)) {
      throw new IllegalArgumentException("--rate must be positive (or absent for closed loop), got " + rate);
    }
    if (ramp != null && rate > 0) {
      throw new IllegalArgumentException("--rate and --ramp exclude each other");
    }
    if (idMin < 0 || idMax < idMin) {
      throw new IllegalArgumentException("--ids must be MIN..MAX with 0 <= MIN <= MAX, got " + idMin + ".." + idMax);
    }
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("--timeout must be at least 1 ms, got " + timeout);
    }
    if (lateAfter == null) {
      lateAfter = DEFAULT_LATE_AFTER;
    }
    if (lateAfter.isNegative()) {
      throw new IllegalArgumentException("--late-after must not be negative, got " + lateAfter);
    }
    parse(url);
  }

  /** A constant-rate or closed-loop run of one URL. */
  public LoadConfig(String url, int connections, int threads, Duration duration, Duration warmup, double rate,
                    int idMin, int idMax, Duration timeout) {
    this(url, connections, threads, duration, warmup, rate, idMin, idMax, timeout, null, null, DEFAULT_LATE_AFTER);
  }

  /** The URL's parts, checked: plain HTTP with a host. */
  public URI uri() {
    return parse(url);
  }

  private static URI parse(String url) {
    URI uri;
    try {
      uri = new URI(url.replace(ID_PLACEHOLDER, "0"));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--url is not a URL: " + e.getMessage());
    }
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("--url must be http://host[:port]/path, got '" + url + "'");
    }
    return uri;
  }

  public String host() {
    return uri().getHost();
  }

  public int port() {
    int p = uri().getPort();
    return p > 0 ? p : 80;
  }

  /** The request target (path and query) with {@code {id}} still in place. */
  public String pathTemplate() {
    int schemeEnd = url.indexOf("://") + 3;
    int pathStart = url.indexOf('/', schemeEnd);
    return pathStart < 0 ? "/" : url.substring(pathStart);
  }

  public boolean openModel() {
    return rate > 0 || ramp != null;
  }

  /** What each request is: the scenario, or the one URL. */
  public Scenario requests() {
    return scenario != null ? scenario : Scenario.single(pathTemplate(), idMin, idMax);
  }

  /** The measured phase's offered load; null for a closed loop. */
  public RateSchedule measuredSchedule() {
    if (ramp != null) {
      return ramp.schedule();
    }
    return rate > 0 ? RateSchedule.constant(rate, duration.toNanos()) : null;
  }

  /** The warm-up's offered load (the rate, or the ramp's first rate); null for a closed loop. */
  public RateSchedule warmupSchedule() {
    if (!openModel() || warmup.isZero()) {
      return null;
    }
    return RateSchedule.constant(ramp != null ? ramp.from() : rate, warmup.toNanos());
  }

  /**
   * Part {@code index} of {@code parts} (an agent process's share): the connections split as evenly as they go, the
   * rates divided, threads capped at the share's connections.
   */
  public LoadConfig share(int parts, int index) {
    if (parts < 1 || connections < parts) {
      throw new IllegalArgumentException("--agents " + parts + " needs at least as many connections, got " + connections);
    }
    int c = connections / parts + (index < connections % parts ? 1 : 0);
    return new LoadConfig(url, c, Math.min(threads, c), duration, warmup, rate / parts, idMin, idMax, timeout,
        ramp == null ? null : ramp.scaled(1.0 / parts), scenario, lateAfter);
  }

  /** Every setting, for an agent process ({@link #fromSpec}). */
  public JsonObject toSpec() {
    return new JsonObject().put("url", url).put("connections", connections).put("threads", threads)
        .put("durationMs", duration.toMillis()).put("warmupMs", warmup.toMillis()).put("rate", rate)
        .put("idMin", idMin).put("idMax", idMax).put("timeoutMs", timeout.toMillis())
        .put("ramp", ramp == null ? null : ramp.toJson()).put("scenario", scenario == null ? null : scenario.toJson())
        .put("lateAfterMicros", lateAfter.toNanos() / 1000);
  }

  public static LoadConfig fromSpec(JsonObject s) {
    JsonObject ramp = s.getJsonObject("ramp");
    JsonObject scenario = s.getJsonObject("scenario");
    return new LoadConfig(s.getString("url"), s.getInteger("connections"), s.getInteger("threads"),
        Duration.ofMillis(s.getLong("durationMs")), Duration.ofMillis(s.getLong("warmupMs")), s.getDouble("rate"),
        s.getInteger("idMin"), s.getInteger("idMax"), Duration.ofMillis(s.getLong("timeoutMs")),
        ramp == null ? null : Ramp.fromJson(ramp), scenario == null ? null : Scenario.fromJson(scenario),
        Duration.ofNanos(s.getLong("lateAfterMicros") * 1000));
  }

  public JsonObject toJson() {
    return new JsonObject().put("url", url).put("connections", connections).put("threads", threads)
        .put("durationSeconds", duration.toMillis() / 1000.0).put("warmupSeconds", warmup.toMillis() / 1000.0)
        .put("model", openModel() ? "open" : "closed").put("rate", rate > 0 ? rate : null)
        .put("ramp", ramp == null ? null : ramp.toJson())
        .put("ids", scenario == null && url.contains(ID_PLACEHOLDER) ? idMin + ".." + idMax : null)
        .put("scenario", scenario == null ? null : scenario.toJson())
        .put("timeoutMs", timeout.toMillis()).put("lateAfterMs", lateAfter.toNanos() / 1e6);
  }
}
