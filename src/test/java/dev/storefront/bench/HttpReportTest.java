package dev.storefront.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpReportTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  @DisplayName("report.html is one self-contained page: four inline SVG charts titled with what was measured and the unit, and the machine")
  void selfContainedReport() {
    LoadConfig config = new LoadConfig("http://127.0.0.1:1/p", 2, 1, Duration.ofSeconds(3), Duration.ZERO, 100, 1, 1,
        Duration.ofSeconds(1));
    PhaseStats measured = new PhaseStats("measured", 3 * SECOND, 1_700_000_000_000L);
    for (int i = 0; i < 300; i++) {
      long intended = i * (SECOND / 100);
      measured.response(intended, intended + (1 + i % 7) * 1_000_000L, i % 50 == 0 ? 500 : 200, null);
    }
    LoadResult result = new LoadResult(config, null, measured, 0.2, 1);
    JsonObject all = result.toJson().put("machine", MachineInfo.current().toJson());
    String html = HttpReport.html(result, all);

    Matcher svg = Pattern.compile("<svg").matcher(html);
    int charts = 0;
    while (svg.find()) {
      charts++;
    }
    assertEquals(4, charts, "latency over time, percentile spectrum, throughput, errors");
    for (String title : new String[] {"Latency per second, from intended send time (ms)",
        "Latency by percentile, from intended send time (ms)", "Throughput per second (req/s)",
        "Errors, dropped and late requests per second (count)"}) {
      assertTrue(html.contains(title), title);
    }
    assertTrue(html.contains(HttpReport.esc(MachineInfo.current().describe())), "the machine is named");
    assertFalse(html.contains("src=\"http") || html.contains("href=\"http") || html.contains("<script"),
        "nothing is fetched from elsewhere");
    assertTrue(html.contains("requests: 300"), "the text summary is there");
  }

  @Test
  @DisplayName("the percentile spectrum rises to the maximum, on the nines scale (2 = the 99th percentile)")
  void spectrum() {
    org.HdrHistogram.Histogram h = RequestStats.newHistogram();
    for (int ms = 1; ms <= 1000; ms++) {
      h.recordValue(ms * 1000L);
    }
    var s = HttpReport.spectrum(h);
    assertEquals(0.0, s.getX(0).doubleValue(), 1e-9);
    double atTwoNines = 0;
    for (int i = 0; i < s.getItemCount(); i++) {
      if (Math.abs(s.getX(i).doubleValue() - 2.0) < 1e-6) {
        atTwoNines = s.getY(i).doubleValue();
      }
      if (i > 0) {
        assertTrue(s.getY(i).doubleValue() >= s.getY(i - 1).doubleValue(), "never falls");
      }
    }
    assertEquals(990, atTwoNines, 1.0);
    assertEquals(1000, s.getY(s.getItemCount() - 1).doubleValue(), 1.0);
  }
}
