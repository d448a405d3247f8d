package dev.storefront.bench;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A Storefront started for a measurement ({@code java -jar storefront.jar serve ...}): started, awaited until it
 * prints its ready line, and stopped with SIGTERM (then killed, with its node processes, if it does not exit).
 */
final class StorefrontProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StorefrontProcess.class);
  private static final Pattern READY = Pattern.compile("\\bready\\b");
  private static final Pattern NOT_READY = Pattern.compile("not[ -]ready");
  static final List<String> JVM_OPTIONS = List.of("-Xmx128m", "-XX:+UseSerialGC");

  private final Process process;
  private final CompletableFuture<String> ready = new CompletableFuture<>();

  private StorefrontProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::drainOutput, "storefront-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** {@code java -jar JAR serve --processes P --event-loops E --set http.port=PORT ...extra}, awaited until ready. */
  static StorefrontProcess serve(Path jar, int processes, int eventLoops, int port, List<String> extra, Duration readyTimeout)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_OPTIONS);
    cmd.addAll(List.of("-jar", jar.toString(), "serve", "--processes", Integer.toString(processes),
        "--event-loops", Integer.toString(eventLoops), "--set", "http.port=" + port));
    cmd.addAll(extra);
    log.info("starting {}", String.join(" ", cmd));
    StorefrontProcess sf = new StorefrontProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    try {
      sf.awaitReady(readyTimeout);
      return sf;
    } catch (IOException | InterruptedException | RuntimeException e) {
      sf.close();
      throw e;
    }
  }

  /**
   * The one place that decides readiness: {@code serve} prints one line containing "ready" once every node is
   * ready. Fails when the process exits first or the timeout passes.
   */
  void awaitReady(Duration timeout) throws IOException, InterruptedException {
    try {
      String line = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      log.info("storefront: {}", line);
    } catch (TimeoutException e) {
      throw new IOException("storefront serve did not report ready within " + timeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage());
    }
  }

  static boolean isReadyLine(String line) {
    // node output reaches us prefixed "[node-N]": only the supervisor's own line means every node is ready
    return !line.startsWith("[") && READY.matcher(line).find() && !NOT_READY.matcher(line).find();
  }

  private void drainOutput() {
    List<String> tail = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        log.debug("storefront: {}", line);
        if (!ready.isDone()) {
          tail.add(line);
          if (tail.size() > 20) {
            tail.remove(0);
          }
          if (isReadyLine(line)) {
            ready.complete(line);
          }
        }
      }
    } catch (IOException e) {
      log.debug("storefront output closed: {}", e.toString());
    }
    ready.completeExceptionally(new IOException("storefront serve exited before it was ready; last output:\n  "
        + String.join("\n  ", tail)));
  }

  /** SIGTERM (the supervisor drains its nodes), then kill whatever is left after 30 s. */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> nodes = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      log.warn("storefront {} did not stop within 30 s: killing it", process.pid());
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    for (ProcessHandle node : nodes) {
      if (node.isAlive()) {
        node.destroyForcibly();
      }
    }
  }

  /** The fat jar this code runs from, or null when it runs from class directories. */
  static Path thisJar() {
    try {
      Path source = Path.of(StorefrontProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isRegularFile(source) && source.toString().endsWith(".jar") ? source : null;
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      return null;
    }
  }
}
