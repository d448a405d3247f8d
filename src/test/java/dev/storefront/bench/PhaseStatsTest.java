package dev.storefront.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PhaseStatsTest {

  private static final long SECOND = 1_000_000_000L;

  private static void record(PhaseStats p, SplittableRandom random) {
    long intended = random.nextLong(5 * SECOND);
    long latency = (long) (Math.exp(random.nextDouble(0, 12)) * 1000); // 1 us .. 160 ms, log-spread
    String name = random.nextBoolean() ? "product" : "listing";
    int status = random.nextInt(100) < 3 ? 503 : 200;
    p.sent(intended, random.nextLong(3_000_000), 2_000_000);
    if (random.nextInt(100) < 10) {
      p.waited(intended);
    }
    if (random.nextInt(200) == 0) {
      p.dropped(intended);
    } else if (random.nextInt(200) == 0) {
      p.failure(intended, intended + latency, ErrorKind.OTHER, name);
    } else {
      p.response(intended, intended + latency, status, name);
    }
  }

  @Test
  @DisplayName("agents' figures, sent as JSON and added, equal the figures of all samples recorded in one place")
  void mergedEqualsAll() {
    PhaseStats all = new PhaseStats("measured", 5 * SECOND, 1000);
    List<PhaseStats> agents = List.of(new PhaseStats("measured", 5 * SECOND, 1000),
        new PhaseStats("measured", 5 * SECOND, 1000), new PhaseStats("measured", 5 * SECOND, 1000));
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 30_000; i++) {
      long seed = random.nextLong();
      record(all, new SplittableRandom(seed));
      record(agents.get(i % 3), new SplittableRandom(seed));
    }
    PhaseStats merged = null;
    for (PhaseStats agent : agents) {
      PhaseStats received = PhaseStats.decode(new JsonObject(agent.encode().encode())); // over the wire
      merged = merged == null ? received : merged.add(received);
    }

    assertEquals(all.total().latency(), merged.total().latency(), "the whole histogram");
    assertEquals(30_000 - all.total().dropped(), merged.total().attempts() - merged.total().dropped());
    for (double p : new double[] {50, 90, 99, 99.9, 100}) {
      assertEquals(all.total().latencyMs(p), merged.total().latencyMs(p), "p" + p + ": exact, never averaged");
    }
    assertEquals(all.total().summaryJson(), merged.total().summaryJson());
    assertEquals(all.total().latencyByOutcomeJson(), merged.total().latencyByOutcomeJson(), "ok and error-status latencies too");
    assertSame(all.total(), merged.total(), "total");
    assertEquals(all.seconds().size(), merged.seconds().size());
    for (int s = 0; s < all.seconds().size(); s++) {
      assertSame(all.seconds().get(s), merged.seconds().get(s), "second " + s);
    }
    assertEquals(all.byRequest().keySet(), merged.byRequest().keySet());
    for (String name : all.byRequest().keySet()) {
      assertSame(all.byRequest().get(name), merged.byRequest().get(name), name);
    }
    assertEquals(all.sendLag(), merged.sendLag());
    assertEquals(all.lastResponseOffsetNs, merged.lastResponseOffsetNs);
  }

  /** Same counts and an equal histogram (the compressed encodings may differ with the histograms' array sizes). */
  private static void assertSame(RequestStats expected, RequestStats actual, String what) {
    JsonObject e = expected.encode();
    JsonObject a = actual.encode();
    e.remove("latency");
    a.remove("latency");
    e.remove("okLatency");
    a.remove("okLatency");
    assertEquals(e, a, what);
    assertEquals(expected.latency(), actual.latency(), what);
    assertEquals(expected.okLatency, actual.okLatency, what);
    assertEquals(expected.latency().getTotalCount(), actual.latency().getTotalCount(), what);
  }

  @Test
  @DisplayName("averaging the agents' p99 would be wrong: one slow agent moves the merged p99, not half of it")
  void percentilesAreNotAveraged() {
    PhaseStats fast = new PhaseStats("measured", SECOND, 0);
    PhaseStats slow = new PhaseStats("measured", SECOND, 0);
    for (int i = 0; i < 980; i++) {
      fast.response(0, 1_000_000, 200, null); // 1 ms
    }
    for (int i = 0; i < 20; i++) {
      slow.response(0, 100_000_000, 200, null); // 100 ms: 2% of all requests
    }
    double averaged = (fast.total().latencyMs(99) + slow.total().latencyMs(99)) / 2;
    PhaseStats merged = fast.add(slow);
    assertEquals(100, merged.total().latencyMs(99), 0.1, "2% of requests took 100 ms: the p99 is 100 ms");
    assertEquals(50.5, averaged, 0.1, "the average of the agents' p99 says 50 ms");
  }

  @Test
  @DisplayName("latencies of successful responses and of error statuses are kept apart: fast 503s do not hide slow 200s")
  void latencyByOutcome() {
    PhaseStats p = new PhaseStats("measured", 5 * SECOND, 1000);
    for (int i = 0; i < 100; i++) {
      p.response(0, 40_000_000L, 200, null);   // 40 ms
      p.response(0, 1_000_000L, 503, null);    // 1 ms
      p.response(0, 1_000_000L, 503, null);
    }
    JsonObject split = p.total().latencyByOutcomeJson();
    assertEquals(100, split.getJsonObject("ok").getLong("responses"));
    assertEquals(40.0, split.getJsonObject("ok").getDouble("p99"), 0.1);
    assertEquals(200, split.getJsonObject("errorStatus").getLong("responses"));
    assertEquals(1.0, split.getJsonObject("errorStatus").getDouble("p99"), 0.01);
    PhaseStats clean = new PhaseStats("measured", 5 * SECOND, 1000);
    clean.response(0, 1_000_000L, 200, null);
    assertEquals(null, clean.total().latencyByOutcomeJson(), "no split without error statuses");
  }
}
