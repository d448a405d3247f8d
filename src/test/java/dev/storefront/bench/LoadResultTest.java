package dev.storefront.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LoadResultTest {

  private static final LoadConfig CONFIG = new LoadConfig("http://127.0.0.1:1/", 1, 1, Duration.ofSeconds(10),
      Duration.ZERO, 0, 1, 1000, Duration.ofSeconds(1));

  @Test
  @DisplayName("percentiles of latencies 1..1000 ms come out within HdrHistogram's 3-digit precision")
  void percentilesAreSane() {
    Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    for (int ms = 1; ms <= 1000; ms++) {
      h.recordValue(ms * 1000L);
    }
    LoadResult r = new LoadResult(CONFIG, 1000, 1000, new long[ErrorKind.values().length], 10.0, h, 0.1, new Histogram(3));
    assertEquals(500, r.latencyMs(50), 0.5);
    assertEquals(900, r.latencyMs(90), 0.9);
    assertEquals(990, r.latencyMs(99), 1.0);
    assertEquals(999, r.latencyMs(99.9), 1.0);
    assertEquals(1000, r.maxLatencyMs(), 1.0);
    assertEquals(100.0, r.requestsPerSecond(), 1e-9);
    assertEquals(0.0, r.errorRate(), 1e-9);
    assertEquals(990, r.toJson().getJsonObject("latencyMs").getDouble("p99"), 1.0);
  }

  @Test
  @DisplayName("the error rate counts status errors among responses and failures without a response as attempts")
  void errorRate() {
    long[] errors = new long[ErrorKind.values().length];
    errors[ErrorKind.STATUS_5XX.ordinal()] = 10;
    errors[ErrorKind.TIMEOUT.ordinal()] = 10;
    LoadResult r = new LoadResult(CONFIG, 90, 90, errors, 1.0, new Histogram(3), 0, new Histogram(3));
    assertEquals(100, r.attempts());
    assertEquals(0.2, r.errorRate(), 1e-9);
    assertEquals(10, r.toJson().getJsonObject("errors").getLong("timeout"));
  }
}
