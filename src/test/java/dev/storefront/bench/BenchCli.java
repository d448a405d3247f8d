package dev.storefront.bench;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code storefront bench ...} in the test's JVM with its output captured; the bench ITs start the fat jar. */
final class BenchCli {

  record Result(int code, String stdout, String stderr) {
    String both() {
      return stdout + "\n" + stderr;
    }
  }

  private BenchCli() {
  }

  static Result run(String... args) {
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    CommandLine cl = new CommandLine(new BenchCommand());
    cl.setOut(new PrintWriter(stdout, true));
    cl.setErr(new PrintWriter(stderr, true));
    int code = cl.execute(args);
    return new Result(code, stdout.toString(), stderr.toString());
  }
}
