package dev.storefront.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one phase (warm-up or measured) of a load run recorded: a {@link RequestStats} per second of the phase
 * (by intended send time, so second {@code k} holds the requests meant to leave in {@code [k, k+1)} s), one per
 * named request of a scenario, and the whole phase's. Times are nanosecond offsets from the phase's start.
 * One event loop records into its own instance; event loops and agent processes are combined with {@link #add}.
 */
public final class PhaseStats {

  private static final double NANOS_PER_SECOND = 1e9;

  final String phase;
  final long durationNs;
  /** Wall-clock time of the phase's start, for time-stamped logs. */
  long startEpochMs;
  final List<RequestStats> seconds = new ArrayList<>();
  final RequestStats total = new RequestStats();
  final Map<String, RequestStats> byRequest = new LinkedHashMap<>();
  /** Open model: microseconds from each request's intended send time to its actual send. */
  final Histogram sendLag = RequestStats.newHistogram();
  /** Offset of the last response (or failure), for the length of the window the requests were answered in. */
  long lastResponseOffsetNs;

  PhaseStats(String phase, long durationNs, long startEpochMs) {
    this.phase = phase;
    this.durationNs = durationNs;
    this.startEpochMs = startEpochMs;
  }

  public String phase() {
    return phase;
  }

  public long durationNs() {
    return durationNs;
  }

  public long startEpochMs() {
    return startEpochMs;
  }

  public RequestStats total() {
    return total;
  }

  /** Per second of the phase (and of the drain after it), by intended send time; {@link RequestStats#completed()} by arrival. */
  public List<RequestStats> seconds() {
    return Collections.unmodifiableList(seconds);
  }

  /** Per named request of a scenario, in the scenario's order; empty for a single URL. */
  public Map<String, RequestStats> byRequest() {
    return Collections.unmodifiableMap(byRequest);
  }

  public Histogram sendLag() {
    return sendLag;
  }

  /** The phase's length, or until its last answer when that came later (the drain). */
  public double windowSeconds() {
    return Math.max(durationNs, lastResponseOffsetNs) / NANOS_PER_SECOND;
  }

  RequestStats second(long offsetNs) {
    int index = (int) Math.max(0, offsetNs / 1_000_000_000L);
    while (seconds.size() <= index) {
      seconds.add(new RequestStats());
    }
    return seconds.get(index);
  }

  private RequestStats named(String name) {
    return name == null ? null : byRequest.computeIfAbsent(name, n -> new RequestStats());
  }

  /** Open model: a request found every connection busy and joined the queue. */
  void waited(long intendedNs) {
    second(intendedNs).waited++;
    total.waited++;
  }

  /** Open model: a request left {@code lagNs} after its intended time; late when more than {@code lateNs}. */
  void sent(long intendedNs, long lagNs, long lateNs) {
    sendLag.recordValue(Math.max(0, lagNs / 1000));
    if (lagNs > lateNs) {
      second(intendedNs).late++;
      total.late++;
    }
  }

  /** A response with {@code status} arrived at {@code nowNs} for a request intended at {@code intendedNs}. */
  void response(long intendedNs, long nowNs, int status, String name) {
    long micros = (nowNs - intendedNs) / 1000;
    ErrorKind kind = ErrorKind.ofStatus(status);
    RequestStats named = named(name);
    for (RequestStats s : new RequestStats[] {second(intendedNs), total, named}) {
      if (s != null) {
        s.responses++;
        s.recordLatency(micros, kind == null);
        if (kind != null) {
          s.errors[kind.ordinal()]++;
        }
      }
    }
    if (kind == null) {
      second(nowNs).completed++;
      total.completed++;
      if (named != null) {
        named.completed++;
      }
    }
    lastResponseOffsetNs = Math.max(lastResponseOffsetNs, nowNs);
  }

  /** A request intended at {@code intendedNs} failed without a response. */
  void failure(long intendedNs, long nowNs, ErrorKind kind, String name) {
    error(intendedNs, kind, name);
    lastResponseOffsetNs = Math.max(lastResponseOffsetNs, nowNs);
  }

  /** A request still unanswered when the phase had to end: a timeout. */
  void abandoned(long intendedNs, String name) {
    error(intendedNs, ErrorKind.TIMEOUT, name);
  }

  /** Creates the named requests' figures in this order, so reports list them as the scenario does. */
  void declare(Iterable<String> names) {
    for (String name : names) {
      named(name);
    }
  }

  /** A connection could not be opened. */
  void connectFailed(long nowNs) {
    error(nowNs, ErrorKind.CONNECT, null);
  }

  /** Open model: a queued request was never sent; it counts as a timeout. */
  void dropped(long intendedNs) {
    second(intendedNs).dropped++;
    total.dropped++;
    error(intendedNs, ErrorKind.TIMEOUT, null);
  }

  private void error(long atNs, ErrorKind kind, String name) {
    second(atNs).errors[kind.ordinal()]++;
    total.errors[kind.ordinal()]++;
    RequestStats named = named(name);
    if (named != null) {
      named.errors[kind.ordinal()]++;
    }
  }

  /** Adds another event loop's or agent's record of the same phase (started at the same time) to this one. */
  public PhaseStats add(PhaseStats other) {
    for (int i = 0; i < other.seconds.size(); i++) {
      second(i * 1_000_000_000L).add(other.seconds.get(i));
    }
    total.add(other.total);
    other.byRequest.forEach((name, s) -> named(name).add(s));
    sendLag.add(other.sendLag);
    lastResponseOffsetNs = Math.max(lastResponseOffsetNs, other.lastResponseOffsetNs);
    startEpochMs = Math.min(startEpochMs, other.startEpochMs);
    return this;
  }

  /** Everything, histograms compressed: the line an agent process prints for its parent. */
  JsonObject encode() {
    JsonArray perSecond = new JsonArray();
    seconds.forEach(s -> perSecond.add(s.encode()));
    JsonObject named = new JsonObject();
    byRequest.forEach((name, s) -> named.put(name, s.encode()));
    return new JsonObject().put("phase", phase).put("durationNs", durationNs).put("startEpochMs", startEpochMs)
        .put("lastResponseOffsetNs", lastResponseOffsetNs).put("total", total.encode()).put("seconds", perSecond)
        .put("byRequest", named).put("sendLag", RequestStats.encodeHistogram(sendLag));
  }

  static PhaseStats decode(JsonObject json) {
    PhaseStats p = new PhaseStats(json.getString("phase"), json.getLong("durationNs"), json.getLong("startEpochMs"));
    p.lastResponseOffsetNs = json.getLong("lastResponseOffsetNs", 0L);
    p.total.add(RequestStats.decode(json.getJsonObject("total")));
    JsonArray perSecond = json.getJsonArray("seconds", new JsonArray());
    for (int i = 0; i < perSecond.size(); i++) {
      p.seconds.add(RequestStats.decode(perSecond.getJsonObject(i)));
    }
    JsonObject named = json.getJsonObject("byRequest", new JsonObject());
    for (String name : named.fieldNames()) {
      p.byRequest.put(name, RequestStats.decode(named.getJsonObject(name)));
    }
    p.sendLag.add(RequestStats.decodeHistogram(json.getString("sendLag")));
    return p;
  }
}
