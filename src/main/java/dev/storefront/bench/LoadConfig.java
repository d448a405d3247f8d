package dev.storefront.bench;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * What {@code bench http} runs: target URL (may contain {@code {id}}), connections, event-loop threads, measured
 * duration, warm-up, rate (0 = closed loop), id range and request timeout.
 */
public record LoadConfig(String url, int connections, int threads, Duration duration, Duration warmup,
                         double rate, int idMin, int idMax, Duration timeout) {

  public static final String ID_PLACEHOLDER = "{id}";

  public LoadConfig {
    if (connections < 1) {
      throw new IllegalArgumentException("--connections must be at least 1, got " + connections);
    }
    if (threads < 1 || threads > connections) {
      throw new IllegalArgumentException("--threads must be between 1 and the connection count " + connections + ", got " + threads);
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
    if (idMin < 0 || idMax < idMin) {
      throw new IllegalArgumentException("--ids must be MIN..MAX with 0 <= MIN <= MAX, got " + idMin + ".." + idMax);
    }
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("--timeout must be at least 1 ms, got " + timeout);
    }
    parse(url);
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
    return rate > 0;
  }

  public JsonObject toJson() {
    return new JsonObject().put("url", url).put("connections", connections).put("threads", threads)
        .put("durationSeconds", duration.toMillis() / 1000.0).put("warmupSeconds", warmup.toMillis() / 1000.0)
        .put("model", openModel() ? "open" : "closed").put("rate", openModel() ? rate : null)
        .put("ids", url.contains(ID_PLACEHOLDER) ? idMin + ".." + idMax : null)
        .put("timeoutMs", timeout.toMillis());
  }
}
