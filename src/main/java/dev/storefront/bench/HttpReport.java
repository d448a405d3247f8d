package dev.storefront.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

import java.awt.Rectangle;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html} of one {@code bench http} run: one self-contained file (charts as inline SVG drawn by
 * JFreeChart) with the machine, the settings, the figures and, per second, latency, throughput and errors, plus the
 * latency by percentile. Each chart's title says what was measured and in which unit; its subtitle names the machine.
 */
public final class HttpReport {

  static final int WIDTH = 760;
  static final int HEIGHT = 380;
  private static final double MAX_NINES = 5; // up to the 99.999th percentile

  private HttpReport() {
  }

  /** The report of {@code result}, whose full JSON ({@code --json}'s object) is {@code all}. */
  public static String html(LoadResult result, JsonObject all) {
    System.setProperty("java.awt.headless", "true");
    String machine = MachineInfo.fromJson(all.getJsonObject("machine", MachineInfo.current().toJson())).describe();
    String from = result.config().openModel() ? "from intended send time" : "from send time";
    TimeSeries series = TimeSeries.of(result);
    XYSeries p50 = new XYSeries("p50");
    XYSeries p99 = new XYSeries("p99");
    XYSeries max = new XYSeries("max");
    XYSeries offered = new XYSeries("offered (req/s)");
    XYSeries completed = new XYSeries("successful responses arriving (req/s)");
    XYSeries errors = new XYSeries("errors");
    XYSeries dropped = new XYSeries("dropped (never sent)");
    XYSeries late = new XYSeries("sent late");
    for (TimeSeries.Row r : series.rows()) {
      if (r.requests() > 0) {
        p50.add(r.second(), r.p50Ms());
        p99.add(r.second(), r.p99Ms());
        max.add(r.second(), r.maxMs());
      }
      if (r.offeredRps() != null) {
        offered.add(r.second(), r.offeredRps());
      }
      completed.add(r.second(), r.completedPerSec());
      errors.add(r.second(), r.errors());
      dropped.add(r.second(), r.dropped());
      late.add(r.second(), r.late());
    }
    StringBuilder h = new StringBuilder(65_536);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>bench http: ")
        .append(esc(result.config().url())).append("</title>\n")
        .append("<style>").append(ReportStyle.CSS).append("</style>\n</head>\n<body>\n")
        .append("<h1>bench http: ").append(esc(result.config().url())).append("</h1>\n")
        .append("<p class=\"machine\">").append(esc(machine)).append("; load generator: ").append(result.agents())
        .append(result.agents() == 1 ? " process" : " processes")
        .append(String.format(Locale.ROOT, ", %.2f cores while measuring", result.clientCpuCores())).append("</p>\n")
        .append("<pre>").append(esc(result.describe())).append("</pre>\n");
    thresholds(h, all.getJsonArray("thresholds", new JsonArray()));
    byRequest(h, result.measured().byRequest());
    h.append(svg(chart("Latency per second, " + from + " (ms)", "second of the measured phase", "milliseconds",
        machine, p50, p99, max)));
    h.append(svg(chart("Latency by percentile, " + from + " (ms)",
        "percentile: 1 = 90%, 2 = 99%, 3 = 99.9%, 4 = 99.99%", "milliseconds", machine, spectrum(result.histogram()))));
    h.append(svg(chart("Throughput per second (req/s)", "second of the measured phase", "requests per second", machine,
        offered, completed)));
    h.append(svg(chart("Errors, dropped and late requests per second (count)", "second of the measured phase",
        "requests", machine, errors, dropped, late)));
    JsonObject ramp = all.getJsonObject("ramp");
    if (ramp != null) {
      h.append("<h2>Ramp</h2>\n<table>\n<tr><th>step</th><th>offered req/s</th><th>achieved req/s</th><th>p50 ms</th>")
          .append("<th>p99 ms</th><th>errors</th><th>meets</th></tr>\n");
      JsonArray steps = ramp.getJsonArray("steps");
      for (int i = 0; i < steps.size(); i++) {
        JsonObject s = steps.getJsonObject(i);
        h.append("<tr><td>").append(s.getInteger("step")).append("</td><td>").append(s.getDouble("offeredRps"))
            .append("</td><td>").append(s.getDouble("achievedRps")).append("</td><td>").append(s.getDouble("p50Ms"))
            .append("</td><td>").append(s.getDouble("p99Ms")).append("</td><td>").append(s.getLong("errors"))
            .append("</td><td>").append(s.getBoolean("meets") ? "yes" : "no").append("</td></tr>\n");
      }
      h.append("</table>\n<p>knee: ").append(ramp.getValue("kneeRps") == null ? "none" : ramp.getValue("kneeRps") + " req/s")
          .append("</p>\n");
    }
    h.append("<h2>Settings</h2>\n<pre>").append(esc(result.config().toJson().encodePrettily())).append("</pre>\n")
        .append("<p>Per second: timeseries.csv, timeseries.json; latency histograms: latency.hlog; everything: result.json.</p>\n")
        .append("</body>\n</html>\n");
    return h.toString();
  }

  /** Latency against "nines" (-log10(1 - p)), as HdrHistogram's own percentile plots draw it. */
  static XYSeries spectrum(Histogram histogram) {
    XYSeries s = new XYSeries("latency");
    if (histogram.getTotalCount() == 0) {
      return s;
    }
    double limit = Math.min(MAX_NINES, Math.log10(histogram.getTotalCount()));
    for (double nines = 0; nines <= limit + 1e-9; nines += 0.05) {
      double percentile = 100 * (1 - Math.pow(10, -nines));
      s.add(nines, histogram.getValueAtPercentile(percentile) / 1000.0);
    }
    s.add(limit + 0.05, histogram.getMaxValue() / 1000.0);
    return s;
  }

  private static void thresholds(StringBuilder h, JsonArray checks) {
    if (checks.isEmpty()) {
      return;
    }
    h.append("<h2>Thresholds (--fail-if)</h2>\n<table>\n<tr><th>expression</th><th>actual</th><th>result</th></tr>\n");
    for (int i = 0; i < checks.size(); i++) {
      JsonObject c = checks.getJsonObject(i);
      h.append("<tr><td>").append(esc(c.getString("expression"))).append("</td><td>").append(c.getValue("actual"))
          .append(' ').append(esc(c.getString("unit", ""))).append("</td><td>")
          .append(c.getBoolean("holds") ? "CROSSED" : "ok").append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void byRequest(StringBuilder h, Map<String, RequestStats> named) {
    if (named.isEmpty()) {
      return;
    }
    h.append("<h2>By request</h2>\n<table>\n<tr><th>request</th><th>responses</th><th>p50 ms</th><th>p99 ms</th>")
        .append("<th>max ms</th><th>errors</th></tr>\n");
    named.forEach((name, s) -> h.append("<tr><td>").append(esc(name)).append("</td><td>").append(s.responses())
        .append("</td><td>").append(fmt(s.latencyMs(50))).append("</td><td>").append(fmt(s.latencyMs(99)))
        .append("</td><td>").append(fmt(s.maxLatencyMs())).append("</td><td>").append(s.errorCount()).append("</td></tr>\n"));
    h.append("</table>\n");
  }

  static JFreeChart chart(String title, String x, String y, String machine, XYSeries... series) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (XYSeries s : series) {
      data.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, x, y, data, PlotOrientation.VERTICAL, true, false, false);
    return ReportStyle.apply(chart, machine);
  }

  private static String svg(JFreeChart chart) {
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
    chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
    return "<figure>" + g.getSVGElement() + "</figure>\n";
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
