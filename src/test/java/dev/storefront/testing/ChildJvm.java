package dev.storefront.testing;

import dev.storefront.cluster.JavaCommand;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started from the fat jar plus the test classes (a test's own {@code main}, with the cluster flags), driven
 * line by line over stdin/stdout; its stderr goes to a temporary log, shown when it exits early.
 */
public final class ChildJvm implements AutoCloseable {

  private final Process process;
  private final BufferedReader out;
  private final PrintWriter in;
  private final Path log;

  private ChildJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
  }

  /** {@code java OPTIONS <cluster flags> -cp <fat jar>:<test classes> MAIN args...}. */
  public static ChildJvm start(List<String> jvmOptions, Class<?> mainClass, String... args) throws IOException {
    String classpath = FatJar.path() + File.pathSeparator + testClasses();
    List<String> command = JavaCommand.jvm().options(jvmOptions).clusterFlags()
        .classpath(classpath, mainClass.getName(), List.of(args)).toList();
    Path log = Files.createTempFile("sf-test-child-", ".log");
    return new ChildJvm(new ProcessBuilder(command).redirectError(log.toFile()).start(), log);
  }

  private static String testClasses() {
    try {
      return new File(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public Process process() {
    return process;
  }

  public void send(String line) {
    in.println(line);
  }

  /** The next line starting with {@code prefix}, without it; fails after {@code timeoutMs} or when the child exits. */
  public String expect(String prefix, long timeoutMs) throws Exception {
    try {
      return CompletableFuture.supplyAsync(() -> {
        try {
          String line;
          while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
              return line.substring(prefix.length());
            }
          }
          throw new IllegalStateException("child exited; log: " + Files.readString(log));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }).get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** {@code kill -9}, awaited. */
  /** {@code kill -STOP}: the JVM freezes, its sockets stay open, so to the others it is cut off, not gone. */
  public void pause() throws Exception {
    signal("-STOP");
  }

  /** {@code kill -CONT}. */
  public void resume() throws Exception {
    signal("-CONT");
  }

  private void signal(String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
    }
  }

  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Closes its stdin (the children end on that), waits up to 10 s, then kills it. */
  @Override
  public void close() throws Exception {
    in.close();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      kill();
    }
    Files.deleteIfExists(log);
  }
}
