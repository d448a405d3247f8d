package dev.storefront.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The measured phase second by second: requests are counted and their latency taken by the second they were meant
 * to be sent in; {@code completedPerSec} counts the successful responses that arrived in the second (throughput).
 * Seconds past the duration hold the drain (the answers still coming in).
 */
public record TimeSeries(List<Row> rows) {

  /**
   * One second. {@code offeredRps} is null for a closed loop; latencies in ms.
   */
  public record Row(int second, long epochMs, Double offeredRps, long requests, long completedPerSec,
                    double p50Ms, double p90Ms, double p99Ms, double maxMs, long errors, long waited, long late,
                    long dropped) {

    JsonObject toJson() {
      return new JsonObject().put("second", second).put("epochMs", epochMs).put("offeredRps", offeredRps)
          .put("requests", requests).put("completedPerSec", completedPerSec)
          .put("p50Ms", LoadResult.round(p50Ms, 3)).put("p90Ms", LoadResult.round(p90Ms, 3))
          .put("p99Ms", LoadResult.round(p99Ms, 3)).put("maxMs", LoadResult.round(maxMs, 3))
          .put("errors", errors).put("waited", waited).put("late", late).put("dropped", dropped);
    }

    static Row fromJson(JsonObject j) {
      return new Row(j.getInteger("second"), j.getLong("epochMs", 0L), j.getDouble("offeredRps"), j.getLong("requests", 0L),
          j.getLong("completedPerSec", 0L), j.getDouble("p50Ms", 0.0), j.getDouble("p90Ms", 0.0), j.getDouble("p99Ms", 0.0),
          j.getDouble("maxMs", 0.0), j.getLong("errors", 0L), j.getLong("waited", 0L), j.getLong("late", 0L),
          j.getLong("dropped", 0L));
    }
  }

  static final String CSV_HEADER = "second,epoch_ms,offered_rps,requests,completed_per_sec,p50_ms,p90_ms,p99_ms,max_ms,errors,waited,late,dropped";

  public static TimeSeries of(LoadResult result) {
    PhaseStats measured = result.measured();
    RateSchedule schedule = result.config().measuredSchedule();
    List<Row> rows = new ArrayList<>();
    List<RequestStats> seconds = measured.seconds();
    for (int i = 0; i < seconds.size(); i++) {
      RequestStats s = seconds.get(i);
      Double offered = schedule == null ? null : schedule.rateAt(i * 1_000_000_000L + 500_000_000L);
      rows.add(new Row(i, measured.startEpochMs() + i * 1000L, offered, s.responses(), s.completed(),
          s.latencyMs(50), s.latencyMs(90), s.latencyMs(99), s.maxLatencyMs(), s.errorCount(), s.waited(), s.late(),
          s.dropped()));
    }
    return new TimeSeries(rows);
  }

  public JsonArray toJson() {
    JsonArray array = new JsonArray();
    rows.forEach(r -> array.add(r.toJson()));
    return array;
  }

  public static TimeSeries fromJson(JsonArray array) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      rows.add(Row.fromJson(array.getJsonObject(i)));
    }
    return new TimeSeries(rows);
  }

  public String toCsv() {
    StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "%d,%d,%s,%d,%d,%.3f,%.3f,%.3f,%.3f,%d,%d,%d,%d%n", r.second(), r.epochMs(),
          r.offeredRps() == null ? "" : String.format(Locale.ROOT, "%.1f", r.offeredRps()), r.requests(),
          r.completedPerSec(), r.p50Ms(), r.p90Ms(), r.p99Ms(), r.maxMs(), r.errors(), r.waited(), r.late(), r.dropped()));
    }
    return sb.toString();
  }
}
