package dev.storefront.dashboard;

import dev.storefront.bench.StorefrontProcess;
import dev.storefront.cluster.FreePorts;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.testing.FatJar;
import dev.storefront.testing.HeadlessChromium;
import dev.storefront.testing.Http;
import dev.storefront.testing.TestCluster;
import dev.storefront.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard end to end in headless Chromium against {@code serve --processes 2} from the fat jar: both members
 * listed with their pids and request rates, a word-count job started from the form whose bar reaches 100% through
 * the server-sent events, the top word of the file (counted here, independently), a bench report opened; the
 * screenshot is {@code target/dashboard.png}.
 */
@Tag(HeadlessChromium.TAG)
@Tag("database")
class DashboardIT {

  static final Path SCREENSHOT = Path.of("target", "dashboard.png");
  private static final String FILE = "books-1gram.tsv";

  @TempDir
  static Path tmp;
  private static StorefrontProcess serve;
  private static ChromeDriver browser;
  private static Http http;
  private static String expectedTop;
  private static long expectedTopCount;
  private static final AtomicBoolean traffic = new AtomicBoolean(true);
  private static Thread load;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(HeadlessChromium.missing() == null, HeadlessChromium.missing());
    long t0 = System.nanoTime();
    Path data = Files.createDirectories(tmp.resolve("data"));
    writeNgrams(data.resolve(FILE));
    Path bench = Files.createDirectories(tmp.resolve("bench").resolve("http-20260101-120000"));
    Files.writeString(bench.resolve("report.html"), "<!doctype html><title>run</title><h1>bench http: 4321 req/s</h1>");

    DatabaseUrl db = TestDatabase.withSchema("sf_dashboard_it");
    int port = FreePorts.any();
    List<String> args = new ArrayList<>(List.of("serve", "--processes", "2", "--event-loops", "1", "--port", String.valueOf(port),
        "--db-url", db.uri(), "--set", "jobs.dataDir=" + data, "--set", "jobs.partitionBytes=40000",
        "--set", "jobs.workersPerNode=1", "--set", "dashboard.benchDir=" + tmp.resolve("bench"),
        "--set", "stats.flushIntervalMs=250"));
    args.addAll(TestCluster.isolated("dashboard-it-" + port, FreePorts.base(8)));
    args.addAll(TestCluster.quickStartNodes());
    serve = StorefrontProcess.start(FatJar.path(), args, port);
    http = new Http(port);
    browser = HeadlessChromium.start(tmp.resolve("chromium-profile"), 1440, 1500); // while the nodes start
    long browserReady = System.nanoTime();
    assertTrue(serve.awaitLine("Storefront ready", Duration.ofSeconds(90)), serve.output());
    System.out.printf("DashboardIT: chromium started in %.1f s, serve ready in %.1f s%n",
        (browserReady - t0) / 1e9, (System.nanoTime() - t0) / 1e9);
    load = new Thread(DashboardIT::traffic, "dashboard-it-traffic");
    load.setDaemon(true);
    load.start();
  }

  @AfterAll
  static void stop() throws Exception {
    traffic.set(false);
    if (browser != null) {
      browser.quit();
    }
    if (serve != null) {
      serve.close();
    }
  }

  /** A few requests a second on new connections, so that SO_REUSEPORT spreads them over both nodes. */
  private static void traffic() {
    while (traffic.get()) {
      try {
        http.getOnNewConnection("/health/live");
        Thread.sleep(25); // a steady trickle, not a measurement
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        // the nodes are stopping
      }
    }
  }

  /**
   * A 1-gram file grouped by word, as Google Books' are, with skewed counts; the expected top word is summed here,
   * apart from Storefront's parser.
   */
  private static void writeNgrams(Path file) throws Exception {
    String[] syllables = {"lu", "mar", "ka", "to", "ri", "an", "sel", "mo", "ve", "dra", "no", "bel", "quo", "tin", "sa"};
    Random random = new Random(17);
    TreeMap<String, Integer> vocabulary = new TreeMap<>();
    while (vocabulary.size() < 400) {
      String word = syllables[random.nextInt(syllables.length)] + syllables[random.nextInt(syllables.length)]
          + (random.nextBoolean() ? syllables[random.nextInt(syllables.length)] : "");
      vocabulary.putIfAbsent(word, vocabulary.size() + 1); // its rank: counts fall with it
    }
    Map<String, Long> counts = new HashMap<>();
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Map.Entry<String, Integer> e : vocabulary.entrySet()) {
        for (int year = 1950; year < 2010; year++) {
          long n = 1 + random.nextInt(200_000 / e.getValue());
          out.write(e.getKey() + "\t" + year + "\t" + n + "\t" + (1 + n / 3) + "\n");
          counts.merge(e.getKey(), n, Long::sum);
        }
      }
    }
    long max = counts.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    List<String> top = counts.entrySet().stream().filter(e -> e.getValue() == max).map(Map.Entry::getKey).toList();
    assertEquals(1, top.size(), "the generated file has one top word: " + top);
    expectedTop = top.get(0);
    expectedTopCount = max;
  }

  private static WebDriverWait waitUpTo(int seconds) {
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(100));
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  @Test
  @DisplayName("the dashboard shows both members with live rates, runs a word count from its form to 100% and its top word, and opens a bench report")
  void dashboard() throws Exception {
    long t0 = System.nanoTime();
    browser.get(serve.url() + "/");
    assertEquals("Storefront · operations", browser.getTitle());

    // the members, with the pids of serve's two node processes
    waitUpTo(20).until(d -> d.findElements(By.cssSelector("#members tr[data-node]")).size() == 2);
    Map<String, String> pids = browser.findElements(By.cssSelector("#members tr[data-node]")).stream()
        .collect(Collectors.toMap(r -> r.getAttribute("data-node"), r -> r.findElements(By.tagName("td")).get(1).getText()));
    assertEquals(Set.of("node-1", "node-2"), pids.keySet());
    assertEquals(serve.nodePids().stream().map(String::valueOf).collect(Collectors.toSet()), Set.copyOf(pids.values()));
    assertEquals("2 members", browser.findElement(By.id("cluster-size")).getText());

    // a word count from the form, followed live to 100%
    waitUpTo(10).until(d -> !d.findElements(By.cssSelector("#job-file option[value='" + FILE + "']")).isEmpty());
    new Select(browser.findElement(By.id("job-file"))).selectByValue(FILE);
    browser.findElement(By.id("job-start")).click();
    waitUpTo(10).until(d -> d.findElement(By.id("job-message")).getText().matches("job \\d+ started"));
    String id = browser.findElement(By.id("job-message")).getText().split(" ")[1];
    // read in one go: the page redraws the row on every event, which makes an element held across calls stale
    String[] bar = waitUpTo(30).ignoring(StaleElementReferenceException.class).until(d -> {
      WebElement row = d.findElement(By.cssSelector("#jobs tr[data-job='" + id + "']"));
      if (!"succeeded".equals(row.getAttribute("data-state"))) {
        return null;
      }
      WebElement progress = row.findElement(By.cssSelector("[role=progressbar]"));
      return new String[] {progress.getAttribute("aria-valuenow"), progress.findElement(By.xpath("..")).getText()};
    });
    assertEquals("100", bar[0]);
    assertTrue(bar[1].contains("100%"));

    // the top word, as counted here
    WebElement first = waitUpTo(10).until(d -> {
      List<WebElement> items = d.findElements(By.cssSelector("#top-list li[data-word]"));
      return items.isEmpty() ? null : items.get(0);
    });
    assertEquals(expectedTop, first.getAttribute("data-word"));
    assertEquals(String.format("%,d", expectedTopCount), first.findElement(By.className("count")).getText());

    // both nodes' request rates, live, and one chart line each
    waitUpTo(15).until(d -> d.findElements(By.cssSelector("#members tr[data-node] td.rate")).stream()
        .allMatch(td -> !td.getText().equals("–") && Double.parseDouble(td.getText().replace(",", "")) > 0));
    List<String> legend = browser.findElements(By.cssSelector("#rate-chart .u-legend .u-series .u-label")).stream()
        .map(WebElement::getText).toList();
    assertEquals(List.of("node-1", "node-2"), legend);

    // the bench report, listed and opened
    WebElement report = waitUpTo(10).until(d -> d.findElement(By.cssSelector("#reports li[data-report='http-20260101-120000/report.html'] a")));
    report.click();
    waitUpTo(10).until(d -> d.findElement(By.id("report-view")).isDisplayed());
    browser.switchTo().frame(browser.findElement(By.id("report-frame")));
    waitUpTo(10).until(d -> d.findElement(By.tagName("h1")).getText().equals("bench http: 4321 req/s"));
    browser.switchTo().defaultContent();

    browser.executeScript("window.scrollTo(0, 0)");
    Files.createDirectories(SCREENSHOT.getParent());
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
    assertTrue(Files.size(SCREENSHOT) > 10_000, "screenshot " + SCREENSHOT);
    System.out.printf("DashboardIT: the page's checks took %.1f s; screenshot %s%n", (System.nanoTime() - t0) / 1e9, SCREENSHOT);
  }
}
