package dev.storefront.testing;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The system's headless Chromium driven through its chromedriver (Debian packages {@code chromium} and
 * {@code chromium-driver}), so that Selenium downloads nothing; each start gets a fresh user data directory.
 * Tests that use it carry the tag {@value #TAG} and skip, naming what is missing, when {@link #missing()} says so.
 */
public final class HeadlessChromium {

  public static final String TAG = "browser";
  public static final Path BROWSER = Path.of("/usr/bin/chromium");
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  /** Held, so the level sticks: no DevTools binding matches every Chromium, and the tests use none. */
  private static final Logger CDP_LOG = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP_LOG.setLevel(Level.SEVERE);
  }

  private HeadlessChromium() {
  }

  /** Null when both are installed, else what is missing and how to install it. */
  public static String missing() {
    if (Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER)) {
      return null;
    }
    return "headless Chromium is not installed (" + (Files.isExecutable(BROWSER) ? "" : BROWSER + " ")
        + (Files.isExecutable(DRIVER) ? "" : DRIVER + " ") + "missing): apt-get install -y chromium chromium-driver";
  }

  /** A browser with a {@code width} x {@code height} window and a fresh profile in {@code userDataDir}. */
  public static ChromeDriver start(Path userDataDir, int width, int height) throws IOException {
    Files.createDirectories(userDataDir);
    ChromeOptions options = new ChromeOptions()
        .setBinary(BROWSER.toFile())
        .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            "--user-data-dir=" + userDataDir.toAbsolutePath(), "--window-size=" + width + "," + height,
            "--hide-scrollbars", "--force-device-scale-factor=1");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(DRIVER.toString()))
        .usingAnyFreePort()
        .withTimeout(Duration.ofSeconds(30))
        .build();
    return new ChromeDriver(service, options);
  }
}
