package dev.storefront.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScalingReportTest {

  static JsonObject sample() {
    JsonObject machine = new JsonObject().put("cores", 2).put("jdk", "OpenJDK 17").put("os", "Linux")
        .put("transport", "epoll").put("epollAvailable", true);
    return new JsonObject().put("machine", machine).put("settings", new JsonObject().put("durationSeconds", 5))
        .put("runs", new JsonArray()
            .add(run(1, 1, 4321.5, 3.25, 7421.0).put("wordcount", new JsonObject().put("status", "ok").put("seconds", 2.5))
                .put("knee", new JsonObject().put("kneeRps", 3876.0).put("slo", new JsonArray().add("p99<20ms"))))
            .add(run(1, 2, 6012.0, 2.75, 9100.0).put("wordcount", new JsonObject().put("status", "skipped")
                .put("reason", "no job API (POST /jobs answered 404)"))
                .put("knee", new JsonObject().putNull("kneeRps").put("slo", new JsonArray().add("p99<20ms"))))
            .add(new JsonObject().put("processes", 2).put("eventLoops", 1).put("error", "serve did not print <ready> in 90 s")));
  }

  private static JsonObject run(int p, int e, double rps, double p99, double qps) {
    return new JsonObject().put("processes", p).put("eventLoops", e)
        .put("http", new JsonObject().put("requestsPerSec", rps).put("errorRate", 0.0)
            .put("latencyMs", new JsonObject().put("p50", 1.5).put("p99", p99).put("max", 12.0)))
        .put("queries", new JsonObject().put("queriesPerSec", qps));
  }

  private static Document parse(Path file) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    return f.newDocumentBuilder().parse(file.toFile());
  }

  @Test
  @DisplayName("from JSON alone, writes well-formed scaling.html with a table row per configuration and charts as SVG files")
  void writesHtmlAndCharts(@TempDir Path dir) throws Exception {
    List<Path> files = ScalingReport.write(sample(), dir);

    for (String name : List.of("scaling.json", "scaling.html", "throughput.svg", "latency.svg", "wordcount.svg")) {
      assertTrue(files.contains(dir.resolve(name)) && Files.size(dir.resolve(name)) > 0, name);
    }
    assertEquals(sample(), new JsonObject(Files.readString(dir.resolve("scaling.json"))));

    Document throughput = parse(dir.resolve("throughput.svg"));
    assertEquals("svg", throughput.getDocumentElement().getLocalName());
    String svgText = throughput.getDocumentElement().getTextContent();
    assertTrue(svgText.contains("1x1") && svgText.contains("1x2"), "category labels drawn: " + svgText);
    assertTrue(svgText.contains("requests/s") && svgText.contains("queries/s"), "both series in the legend");
    assertTrue(svgText.contains("knee: highest rate meeting p99<20ms"), "the knee beside the closed-loop throughput: " + svgText);

    Document html = parse(dir.resolve("scaling.html"));
    NodeList rows = html.getElementsByTagName("tr");
    assertEquals(1 + 2 + 2, rows.getLength(), "header, two measured runs, the failed run and its error line");
    String text = html.getDocumentElement().getTextContent();
    assertTrue(text.contains("4322") && text.contains("6012") && text.contains("7421"), text);
    assertTrue(text.contains("2.50 s") && text.contains("skipped: no job API"), text);
    assertTrue(text.contains("knee req/s") && text.contains("3876") && text.contains("none"), "knees in the table: " + text);
    assertTrue(text.contains("2x1 failed: serve did not print <ready>"), text);
    assertTrue(text.contains("2 cores") && text.contains("epoll"), "machine shown: " + text);
    NodeList svgs = html.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg");
    assertEquals(3, svgs.getLength(), "three charts embedded inline");
    NodeList links = html.getElementsByTagName("a");
    boolean linksCharts = false;
    for (int i = 0; i < links.getLength(); i++) {
      linksCharts |= "throughput.svg".equals(((Element) links.item(i)).getAttribute("href"));
    }
    assertTrue(linksCharts);
    NodeList headings = html.getElementsByTagName("h2");
    assertEquals(3, headings.getLength());
    for (int i = 0; i < headings.getLength(); i++) {
      String heading = headings.item(i).getTextContent();
      assertTrue(!heading.endsWith(".svg") && heading.matches(".*\\((ms|s)\\)$|.*requests/s.*"),
          "a chart's heading says what was measured, with its unit, not its file name: " + heading);
    }
  }

  @Test
  @DisplayName("without any word-count result no word-count chart is drawn")
  void noWordcountChartWhenSkipped(@TempDir Path dir) throws Exception {
    JsonObject data = sample();
    data.getJsonArray("runs").getJsonObject(0).put("wordcount", new JsonObject().put("status", "skipped"));
    List<Path> files = ScalingReport.write(data, dir);
    assertTrue(files.stream().noneMatch(f -> f.endsWith("wordcount.svg")));
    assertTrue(Files.exists(dir.resolve("throughput.svg")));
  }
}
