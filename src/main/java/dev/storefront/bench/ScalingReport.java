package dev.storefront.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.svg.SVGGraphics2D;

import java.awt.Rectangle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@code bench scaling} result ({@code scaling.json}'s content) into {@code scaling.html}: the machine,
 * a table, and JFreeChart charts (closed-loop throughput beside the knee, p99 latency and, when measured, word-count time against the
 * configuration) written as SVG files and embedded inline. Works from the JSON alone.
 *
 * <p>Input: {@code {"machine":{..}, "settings":{..}, "runs":[{"processes":P, "eventLoops":E,
 * "http":{"requestsPerSec","latencyMs":{"p50","p99","max"},"errorRate"} | absent,
 * "knee":{"kneeRps": r | null, "slo":[..], "steps":[..]} | absent, "queries":{"queriesPerSec"} | absent, "wordcount":{"status":"ok","seconds"} | {"status":"skipped","reason"},
 * "error":"..." | absent}]}}.
 */
public final class ScalingReport {

  static final int WIDTH = 760;
  static final int HEIGHT = 420;

  private ScalingReport() {
  }

  /** Writes scaling.json, the chart SVGs and scaling.html into {@code dir}; returns the files written. */
  public static List<Path> write(JsonObject data, Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    JsonArray runs = data.getJsonArray("runs", new JsonArray());
    List<Path> files = new ArrayList<>();
    files.add(writeString(dir.resolve("scaling.json"), data.encodePrettily()));

    DefaultCategoryDataset throughput = new DefaultCategoryDataset();
    DefaultCategoryDataset latency = new DefaultCategoryDataset();
    DefaultCategoryDataset wordcount = new DefaultCategoryDataset();
    for (int i = 0; i < runs.size(); i++) {
      JsonObject run = runs.getJsonObject(i);
      String label = label(run);
      JsonObject http = run.getJsonObject("http");
      JsonObject queries = run.getJsonObject("queries");
      JsonObject wc = run.getJsonObject("wordcount");
      if (http != null) {
        throughput.addValue(http.getDouble("requestsPerSec"), "GET /products/{id}, closed loop (requests/s)", label);
        JsonObject ms = http.getJsonObject("latencyMs", new JsonObject());
        latency.addValue(ms.getDouble("p50", 0.0), "p50", label);
        latency.addValue(ms.getDouble("p99", 0.0), "p99", label);
      }
      JsonObject knee = run.getJsonObject("knee");
      if (knee != null) {
        throughput.addValue(knee.getDouble("kneeRps", 0.0), "knee: highest rate meeting " + String.join(" and ",
            knee.getJsonArray("slo", new JsonArray()).stream().map(String::valueOf).toList()) + " (requests/s)", label);
      }
      if (queries != null) {
        throughput.addValue(queries.getDouble("queriesPerSec"), "bench queries (queries/s)", label);
      }
      if (wc != null && "ok".equals(wc.getString("status"))) {
        wordcount.addValue(wc.getDouble("seconds"), "word-count job (s)", label);
      }
    }
    JsonObject machineJson = data.getJsonObject("machine");
    String machine = machineJson == null ? "" : MachineInfo.fromJson(machineJson).describe();
    List<String[]> charts = new ArrayList<>(); // file name, title, svg element
    charts.add(chart(dir, files, "throughput.svg", machine, ChartFactory.createBarChart(
        "Throughput per layout: requests/s (closed loop, knee) and queries/s", "processes x event loops", "per second",
        throughput, PlotOrientation.VERTICAL, true, false, false)));
    charts.add(chart(dir, files, "latency.svg", machine, ChartFactory.createBarChart(
        "GET /products/{id} latency per layout, closed loop (ms)", "processes x event loops", "milliseconds", latency,
        PlotOrientation.VERTICAL, true, false, false)));
    if (wordcount.getColumnCount() > 0) {
      charts.add(chart(dir, files, "wordcount.svg", machine, ChartFactory.createBarChart(
          "Word-count job time per layout (s)", "processes x event loops", "seconds", wordcount,
          PlotOrientation.VERTICAL, true, false, false)));
    }
    files.add(writeString(dir.resolve("scaling.html"), html(data, runs, charts)));
    return files;
  }

  static String label(JsonObject run) {
    return run.getInteger("processes") + "x" + run.getInteger("eventLoops");
  }

  private static String[] chart(Path dir, List<Path> files, String name, String machine, JFreeChart chart) throws IOException {
    String title = chart.getTitle().getText();
    ReportStyle.apply(chart, machine);
    SVGGraphics2D g = new SVGGraphics2D(WIDTH, HEIGHT);
    chart.draw(g, new Rectangle(0, 0, WIDTH, HEIGHT));
    files.add(writeString(dir.resolve(name), g.getSVGDocument()));
    return new String[] {name, title, g.getSVGElement()};
  }

  private static Path writeString(Path file, String text) throws IOException {
    Files.writeString(file, text);
    return file;
  }

  private static String html(JsonObject data, JsonArray runs, List<String[]> charts) {
    StringBuilder h = new StringBuilder(16_384);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>Storefront scaling</title>\n")
        .append("<style>").append(ReportStyle.CSS).append("</style>\n")
        .append("</head>\n<body>\n<h1>Storefront scaling: processes &#215; event loops</h1>\n");
    JsonObject machine = data.getJsonObject("machine");
    if (machine != null) {
      h.append("<p class=\"machine\">").append(esc(MachineInfo.fromJson(machine).describe())).append("</p>\n");
    }
    JsonObject settings = data.getJsonObject("settings");
    if (settings != null) {
      h.append("<p>settings: <code>").append(esc(settings.encode())).append("</code></p>\n");
    }
    h.append("<table>\n<tr><th>processes</th><th>event loops</th><th>HTTP req/s</th><th>p50 ms</th><th>p99 ms</th>")
        .append("<th>max ms</th><th>HTTP errors</th><th>knee req/s</th><th>queries/s</th><th>word count</th></tr>\n");
    for (int i = 0; i < runs.size(); i++) {
      JsonObject run = runs.getJsonObject(i);
      JsonObject http = run.getJsonObject("http");
      JsonObject ms = http == null ? new JsonObject() : http.getJsonObject("latencyMs", new JsonObject());
      JsonObject queries = run.getJsonObject("queries");
      h.append("<tr><td>").append(run.getInteger("processes")).append("</td><td>").append(run.getInteger("eventLoops"))
          .append("</td><td>").append(http == null ? "-" : fmt(http.getDouble("requestsPerSec"), 0))
          .append("</td><td>").append(http == null ? "-" : fmt(ms.getDouble("p50", 0.0), 2))
          .append("</td><td>").append(http == null ? "-" : fmt(ms.getDouble("p99", 0.0), 2))
          .append("</td><td>").append(http == null ? "-" : fmt(ms.getDouble("max", 0.0), 2))
          .append("</td><td>").append(http == null ? "-" : fmt(http.getDouble("errorRate", 0.0) * 100, 2) + "%")
          .append("</td><td>").append(esc(kneeCell(run.getJsonObject("knee"))))
          .append("</td><td>").append(queries == null ? "-" : fmt(queries.getDouble("queriesPerSec"), 0))
          .append("</td><td>").append(esc(wordcountCell(run.getJsonObject("wordcount"))))
          .append("</td></tr>\n");
      if (run.getString("error") != null) {
        h.append("<tr><td colspan=\"10\" style=\"text-align:left\">").append(esc(label(run))).append(" failed: ")
            .append(esc(run.getString("error"))).append("</td></tr>\n");
      }
    }
    h.append("</table>\n");
    for (String[] c : charts) {
      h.append("<h2>").append(esc(c[1])).append("</h2>\n<figure>").append(c[2])
          .append("<figcaption>as a file: <a href=\"").append(esc(c[0])).append("\">").append(esc(c[0]))
          .append("</a></figcaption></figure>\n");
    }
    h.append("<p>Raw data: <a href=\"scaling.json\">scaling.json</a></p>\n</body>\n</html>\n");
    return h.toString();
  }

  /** The knee's rate, "none" when no step met the objective, "-" when not measured. */
  static String kneeCell(JsonObject knee) {
    if (knee == null) {
      return "-";
    }
    Double rate = knee.getDouble("kneeRps");
    return rate == null ? "none" : fmt(rate, 0);
  }

  static String wordcountCell(JsonObject wc) {
    if (wc == null) {
      return "-";
    }
    if ("ok".equals(wc.getString("status"))) {
      return fmt(wc.getDouble("seconds"), 2) + " s";
    }
    return wc.getString("status", "?") + (wc.getString("reason") == null ? "" : ": " + wc.getString("reason"));
  }

  private static String fmt(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
