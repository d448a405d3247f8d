package dev.storefront.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThresholdTest {

  /** 100 responses of 1..100 ms, 5 of them status 500, plus 5 timeouts; 2 sent late, 1 dropped. */
  private static Threshold.Figures figures() {
    PhaseStats p = new PhaseStats("measured", 1_000_000_000L, 0);
    for (int ms = 1; ms <= 100; ms++) {
      p.response(0, ms * 1_000_000L, ms % 20 == 0 ? 500 : 200, null);
    }
    for (int i = 0; i < 4; i++) {
      p.failure(0, 1, ErrorKind.TIMEOUT, null);
    }
    p.dropped(0);
    p.sent(0, 5_000_000, 1_000_000);
    p.sent(0, 3_000_000, 1_000_000);
    p.sent(0, 500_000, 1_000_000);
    return new Threshold.Figures(p.total(), 2.0);
  }

  private static double actual(String expression) {
    return Threshold.parse(expression).actual(figures());
  }

  @Test
  @DisplayName("latency thresholds read percentiles, max and mean in us, ms (the default) or s")
  void latency() {
    assertEquals(99, actual("p99>20ms"), 0.1);
    assertEquals(50, actual("p50>20"), 0.1);
    assertEquals(100, actual("max>1s"), 0.1);
    assertEquals(50.5, actual("mean>1ms"), 0.1);
    assertEquals(actual("p99.9>1ms"), actual("p999>1ms"));
    assertTrue(Threshold.parse("p99>20ms").check(figures()).holds());
    assertFalse(Threshold.parse("p99>0.1s").check(figures()).holds());
    assertTrue(Threshold.parse("p99>=99000us").check(figures()).holds(), "99 ms >= 99000 us");
    assertFalse(Threshold.parse("p99<99ms").check(figures()).holds());
    assertTrue(Threshold.parse("max <= 101ms").check(figures()).holds(), "100 ms within 3 digits");
  }

  @Test
  @DisplayName("errors, late, dropped and waited are counts, or with % shares of the attempted requests")
  void countsAndShares() {
    // 100 responses + 5 timeouts (4 failed, 1 dropped) = 105 attempts; 5 status errors + 5 timeouts = 10 errors
    assertEquals(10, actual("errors>0"));
    assertEquals(100.0 * 10 / 105, actual("errors>0.1%"), 1e-9);
    assertTrue(Threshold.parse("errors>0.1%").check(figures()).holds());
    assertFalse(Threshold.parse("errors>10%").check(figures()).holds());
    assertEquals(2, actual("late>0"));
    assertEquals(1, actual("dropped>0"));
    assertEquals(50, actual("rps<10"), 1e-9, "100 responses over 2 s");
    assertEquals(100, actual("requests<1000"));
    Threshold knee = Threshold.parse("knee<1000");
    assertEquals(800, knee.actual(new Threshold.Figures(new RequestStats(), 1, 800.0)));
    assertTrue(knee.check(new Threshold.Figures(new RequestStats(), 1, null)).holds(), "no knee at all reads as 0");
  }

  @Test
  @DisplayName("a REQUEST: prefix names one request of a scenario; unreadable expressions say what is accepted")
  void parsing() {
    Threshold t = Threshold.parse("listing:p50>=5ms");
    assertEquals("listing", t.request());
    assertEquals("p50", t.metric());
    assertEquals(">=", t.op());
    assertNull(Threshold.parse("p99>20ms").request());
    assertTrue(Threshold.parse("errors>1%").aboutAllErrors());
    assertFalse(Threshold.parse("listing:errors>1%").aboutAllErrors());
    for (String bad : new String[] {"p99>>2", "p99", "latency>2ms", "p0>1ms", "p101>1ms", "p99>2%", "errors>2ms", "rps>5%", ""}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Threshold.parse(bad), bad);
      assertTrue(e.getMessage().contains("threshold"), e.getMessage());
    }
  }
}
