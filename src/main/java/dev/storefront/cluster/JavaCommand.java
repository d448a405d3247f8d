package dev.storefront.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that builds a {@code java} command line for a JVM forked from this one (node processes, bench
 * children, test children): the launcher of the running JVM ({@code java.home}), then JVM options, then either
 * {@code -jar JAR args} or {@code -cp CLASSPATH MAIN args}.
 *
 * <pre>{@code
 * List<String> cmd = JavaCommand.jvm().options("-Xmx128m").clusterFlags().property("k", "v")
 *     .classpath(cp, "dev.storefront.Main", List.of("node")).toList();
 * }</pre>
 */
public final class JavaCommand {

  private final List<String> command = new ArrayList<>();
  private boolean mainGiven;

  private JavaCommand() {
    command.add(launcher());
  }

  /** The {@code java} launcher of the JVM running this code. */
  public static String launcher() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** A command line that starts with {@link #launcher()}. */
  public static JavaCommand jvm() {
    return new JavaCommand();
  }

  /** JVM options, in order (blank entries are skipped, so a split empty setting adds nothing). */
  public JavaCommand options(List<String> options) {
    if (mainGiven) {
      throw new IllegalStateException("JVM options go before -jar or the main class");
    }
    options.stream().filter(o -> !o.isBlank()).forEach(command::add);
    return this;
  }

  public JavaCommand options(String... options) {
    return options(List.of(options));
  }

  /** The flags Hazelcast wants on Java 17 ({@link Cluster#JVM_FLAGS}): for every JVM that joins a cluster. */
  public JavaCommand clusterFlags() {
    return options(Cluster.JVM_FLAGS);
  }

  /** {@code -Dname=value}. */
  public JavaCommand property(String name, String value) {
    return options("-D" + name + "=" + value);
  }

  /** {@code -jar JAR args...}: the jar's own main class. */
  public JavaCommand jar(Path jar, List<String> args) {
    return main(List.of("-jar", jar.toString()), args);
  }

  /** {@code -cp CLASSPATH MAIN args...}. */
  public JavaCommand classpath(String classpath, String mainClass, List<String> args) {
    return main(List.of("-cp", classpath, mainClass), args);
  }

  private JavaCommand main(List<String> main, List<String> args) {
    if (mainGiven) {
      throw new IllegalStateException("the command already names what to run");
    }
    mainGiven = true;
    command.addAll(main);
    command.addAll(args);
    return this;
  }

  /** The command line; what to run must have been given. */
  public List<String> toList() {
    if (!mainGiven) {
      throw new IllegalStateException("no jar and no main class given");
    }
    return List.copyOf(command);
  }

  public ProcessBuilder processBuilder() {
    return new ProcessBuilder(toList());
  }

  @Override
  public String toString() {
    return String.join(" ", command);
  }
}
