package dev.storefront.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;

/**
 * Counts and a latency histogram for a set of requests: one second of a phase, one named request of a scenario, or
 * a whole phase. Requests are attributed to their (intended) send time, except {@link #completed}, which counts
 * successful responses by the time they arrived (what a throughput graph shows). Mergeable by {@link #add}: adding
 * histograms is exact, so figures of several event loops or agent processes are never averaged.
 */
public final class RequestStats {

  /** Latencies in microseconds, from each request's intended send time to its response (any status). */
  final Histogram latency = newHistogram();
  /** The part of {@link #latency} for successful responses (1xx-3xx); the rest is that of error statuses. */
  final Histogram okLatency = newHistogram();
  final long[] errors = new long[ErrorKind.values().length];
  /** Responses (any status) to requests sent in this set. */
  long responses;
  /** Successful responses that arrived in this set's time (by arrival, not send time). */
  long completed;
  /** Open model: requests that found every connection busy and waited in the queue. */
  long waited;
  /** Open model: requests sent later than the lateness threshold after their intended time. */
  long late;
  /** Open model: requests never sent (they waited longer than the timeout, or were still queued at the end). */
  long dropped;

  /** An auto-resizing histogram of 3 significant digits: small while latencies are small. */
  static Histogram newHistogram() {
    return new Histogram(3);
  }

  public Histogram latency() {
    return latency;
  }

  public long responses() {
    return responses;
  }

  public long completed() {
    return completed;
  }

  public long waited() {
    return waited;
  }

  public long late() {
    return late;
  }

  public long dropped() {
    return dropped;
  }

  public long errors(ErrorKind kind) {
    return errors[kind.ordinal()];
  }

  public long errorCount() {
    long n = 0;
    for (long e : errors) {
      n += e;
    }
    return n;
  }

  /** Requests that got a response or failed without one. */
  public long attempts() {
    return responses + errors(ErrorKind.CONNECT) + errors(ErrorKind.TIMEOUT) + errors(ErrorKind.OTHER);
  }

  /** Errors per attempt; 1 when nothing was attempted at all (a run that did nothing is not a success). */
  public double errorRate() {
    long attempts = attempts();
    return attempts == 0 ? 1.0 : (double) errorCount() / attempts;
  }

  /** Latency at a percentile, in milliseconds (0 without responses). */
  public double latencyMs(double percentile) {
    return latency.getTotalCount() == 0 ? 0 : latency.getValueAtPercentile(percentile) / 1000.0;
  }

  public double maxLatencyMs() {
    return latency.getTotalCount() == 0 ? 0 : latency.getMaxValue() / 1000.0;
  }

  public double meanLatencyMs() {
    return latency.getTotalCount() == 0 ? 0 : latency.getMean() / 1000.0;
  }

  void recordLatency(long micros) {
    latency.recordValue(Math.max(0, micros));
  }

  void recordLatency(long micros, boolean ok) {
    recordLatency(micros);
    if (ok) {
      okLatency.recordValue(Math.max(0, micros));
    }
  }

  /**
   * Latency percentiles (ms) of the successful responses and of those with an error status (4xx, 5xx), apart: under
   * overload, how long answered requests took and how fast the shed ones were told. Null when no response had an
   * error status (then {@code latencyMs} is the successful ones').
   */
  public JsonObject latencyByOutcomeJson() {
    Histogram failed = latency.copy();
    failed.subtract(okLatency);
    if (failed.getTotalCount() == 0) {
      return null;
    }
    return new JsonObject().put("ok", percentilesJson(okLatency)).put("errorStatus", percentilesJson(failed));
  }

  private static JsonObject percentilesJson(Histogram h) {
    boolean none = h.getTotalCount() == 0;
    return new JsonObject().put("responses", h.getTotalCount())
        .put("p50", none ? 0 : LoadResult.round(h.getValueAtPercentile(50) / 1000.0, 3))
        .put("p99", none ? 0 : LoadResult.round(h.getValueAtPercentile(99) / 1000.0, 3))
        .put("max", none ? 0 : LoadResult.round(h.getMaxValue() / 1000.0, 3));
  }

  /** Adds {@code other}'s counts and histogram to this one's. */
  public RequestStats add(RequestStats other) {
    latency.add(other.latency);
    okLatency.add(other.okLatency);
    for (int k = 0; k < errors.length; k++) {
      errors[k] += other.errors[k];
    }
    responses += other.responses;
    completed += other.completed;
    waited += other.waited;
    late += other.late;
    dropped += other.dropped;
    return this;
  }

  /** Requests, latency percentiles (ms), errors by kind and the error rate: what reports show. */
  public JsonObject summaryJson() {
    JsonObject errorsJson = new JsonObject();
    for (ErrorKind k : ErrorKind.values()) {
      errorsJson.put(k.label(), errors(k));
    }
    return new JsonObject()
        .put("requests", responses)
        .put("latencyMs", new JsonObject()
            .put("p50", LoadResult.round(latencyMs(50), 3)).put("p90", LoadResult.round(latencyMs(90), 3))
            .put("p99", LoadResult.round(latencyMs(99), 3)).put("p999", LoadResult.round(latencyMs(99.9), 3))
            .put("max", LoadResult.round(maxLatencyMs(), 3)).put("mean", LoadResult.round(meanLatencyMs(), 3)))
        .put("errors", errorsJson)
        .put("errorRate", LoadResult.round(errorRate(), 5));
  }

  /** Every count and the histogram (compressed, base64): what an agent process sends to its parent. */
  JsonObject encode() {
    JsonObject json = new JsonObject().put("responses", responses).put("completed", completed)
        .put("waited", waited).put("late", late).put("dropped", dropped)
        .put("latency", encodeHistogram(latency)).put("okLatency", encodeHistogram(okLatency));
    for (ErrorKind k : ErrorKind.values()) {
      json.put(k.label(), errors(k));
    }
    return json;
  }

  static RequestStats decode(JsonObject json) {
    RequestStats s = new RequestStats();
    s.responses = json.getLong("responses", 0L);
    s.completed = json.getLong("completed", 0L);
    s.waited = json.getLong("waited", 0L);
    s.late = json.getLong("late", 0L);
    s.dropped = json.getLong("dropped", 0L);
    for (ErrorKind k : ErrorKind.values()) {
      s.errors[k.ordinal()] = json.getLong(k.label(), 0L);
    }
    s.latency.add(decodeHistogram(json.getString("latency")));
    if (json.containsKey("okLatency")) {
      s.okLatency.add(decodeHistogram(json.getString("okLatency")));
    }
    return s;
  }

  static String encodeHistogram(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
  }

  static Histogram decodeHistogram(String base64) {
    try {
      Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
      h.setAutoResize(true);
      return h;
    } catch (DataFormatException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not an encoded histogram: " + e.getMessage(), e);
    }
  }
}
