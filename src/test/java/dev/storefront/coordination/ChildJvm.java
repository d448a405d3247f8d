package dev.storefront.coordination;

import dev.storefront.cluster.Cluster;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A JVM started from the fat jar (plus this test's classes) and driven line by line over stdin/stdout. */
final class ChildJvm implements AutoCloseable {

  final Process process;
  private final BufferedReader out;
  private final PrintWriter in;
  final Path log;

  private ChildJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
  }

  static String jar() {
    String jar = System.getProperty("storefront.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("system property storefront.jar must name the built fat jar, got " + jar);
    }
    return jar;
  }

  static ChildJvm start(String mainClass, String... args) throws Exception {
    String testClasses = new File(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx160m", "-XX:+UseSerialGC"));
    command.addAll(dev.storefront.cluster.Cluster.JVM_FLAGS);
    command.addAll(List.of("-cp", jar() + File.pathSeparator + testClasses, mainClass));
    command.addAll(List.of(args));
    Path log = Files.createTempFile("sf-coord-child-", ".log");
    return new ChildJvm(new ProcessBuilder(command).redirectError(log.toFile()).start(), log);
  }

  void send(String line) {
    in.println(line);
  }

  /** The next line starting with {@code prefix}, without it; fails after {@code timeoutMs}. */
  String expect(String prefix, long timeoutMs) throws Exception {
    return CompletableFuture.supplyAsync(() -> {
      try {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith(prefix)) {
            return line.substring(prefix.length());
          }
        }
        throw new IllegalStateException("child exited; log: " + Files.readString(log));
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }).get(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** {@code kill -STOP}: the JVM freezes, its sockets stay open, so to the others it is cut off, not gone. */
  void pause() throws Exception {
    signal("-STOP");
  }

  /** {@code kill -CONT}. */
  void resume() throws Exception {
    signal("-CONT");
  }

  private void signal(String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
    }
  }

  /** {@code kill -9}. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    in.close();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    Files.deleteIfExists(log);
  }
}
