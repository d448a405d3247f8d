package dev.storefront.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class LoadResultTest {

  private static final LoadConfig CONFIG = new LoadConfig("http://127.0.0.1:1/", 1, 1, Duration.ofSeconds(10),
      Duration.ZERO, 0, 1, 1000, Duration.ofSeconds(1));
  private static final long SECOND = 1_000_000_000L;

  @Test
  @DisplayName("percentiles of latencies 1..1000 ms come out within HdrHistogram's 3-digit precision")
  void percentilesAreSane() {
    PhaseStats measured = new PhaseStats("measured", 10 * SECOND, 0);
    for (int ms = 1; ms <= 1000; ms++) {
      measured.response(0, ms * 1_000_000L, 200, null);
    }
    LoadResult r = new LoadResult(CONFIG, null, measured, 0.1, 1);
    assertEquals(500, r.latencyMs(50), 0.5);
    assertEquals(900, r.latencyMs(90), 0.9);
    assertEquals(990, r.latencyMs(99), 1.0);
    assertEquals(999, r.latencyMs(99.9), 1.0);
    assertEquals(1000, r.maxLatencyMs(), 1.0);
    assertEquals(10.0, r.seconds(), 1e-9);
    assertEquals(100.0, r.requestsPerSecond(), 1e-9);
    assertEquals(0.0, r.errorRate(), 1e-9);
    assertEquals(990, r.toJson().getJsonObject("latencyMs").getDouble("p99"), 1.0);
    assertNull(r.toJson().getValue("coordinatedOmission"), "closed loop: no send-lag figures");
  }

  @Test
  @DisplayName("the error rate counts status errors among responses and failures without a response as attempts")
  void errorRate() {
    PhaseStats measured = new PhaseStats("measured", SECOND, 0);
    for (int i = 0; i < 80; i++) {
      measured.response(i * 1000L, i * 1000L + 500, 200, null);
    }
    for (int i = 0; i < 10; i++) {
      measured.response(i * 1000L, i * 1000L + 500, 503, null);
      measured.failure(i * 1000L, i * 1000L + 500, ErrorKind.TIMEOUT, null);
    }
    LoadResult r = new LoadResult(CONFIG, null, measured, 0, 1);
    assertEquals(100, r.attempts());
    assertEquals(0.2, r.errorRate(), 1e-9);
    assertEquals(10, r.toJson().getJsonObject("errors").getLong("timeout"));
    assertEquals(10, r.toJson().getJsonObject("errors").getLong("status5xx"));
  }

  @Test
  @DisplayName("time series: each second holds the requests intended in it, throughput counts arrivals by their second")
  void timeSeriesBySecond() {
    PhaseStats measured = new PhaseStats("measured", 3 * SECOND, 1_000_000L);
    measured.response(100, SECOND / 2, 200, null);              // second 0, arrives in second 0
    measured.response(SECOND - 10, SECOND + 5_000_000, 200, null); // second 0, arrives in second 1
    measured.response(2 * SECOND, 2 * SECOND + 1_000_000, 500, null); // second 2, an error: no throughput
    LoadResult r = new LoadResult(CONFIG, null, measured, 0, 1);
    TimeSeries ts = TimeSeries.of(r);
    assertEquals(3, ts.rows().size());
    assertEquals(2, ts.rows().get(0).requests());
    assertEquals(1, ts.rows().get(0).completedPerSec());
    assertEquals(0, ts.rows().get(1).requests());
    assertEquals(1, ts.rows().get(1).completedPerSec());
    assertEquals(1, ts.rows().get(2).errors());
    assertEquals(0, ts.rows().get(2).completedPerSec());
    assertEquals(1_002_000L, ts.rows().get(2).epochMs());
    assertEquals(500, ts.rows().get(0).maxMs(), 0.5);
    String csv = ts.toCsv();
    assertEquals(TimeSeries.CSV_HEADER, csv.lines().findFirst().orElseThrow());
    assertEquals(4, csv.lines().count());
    assertEquals(ts, TimeSeries.fromJson(ts.toJson()));
  }
}
