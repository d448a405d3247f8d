package dev.storefront.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** How every {@code bench} command reports: the machine beside the figures, as text or as one JSON object. */
final class BenchOutput {

  /** Exit code of a run whose error rate exceeded the allowed one, or that crossed a threshold. */
  static final int EXIT_TOO_MANY_ERRORS = 1;

  private BenchOutput() {
  }

  /**
   * Prints the figures (with the machine) and returns the exit code: 0, or {@link #EXIT_TOO_MANY_ERRORS} when
   * {@code errorRate > maxErrorRate} (then a line on stderr says so).
   */
  static int report(CommandSpec spec, boolean json, String command, JsonObject figures, String text,
                    double errorRate, double maxErrorRate) {
    JsonObject all = figures.copy().put("maxErrorRate", maxErrorRate);
    return report(spec, json, command, all, text, errorRate <= maxErrorRate ? List.of()
        : List.of(String.format(Locale.ROOT, "error rate %.3f%% is above the allowed %.3f%% (--max-error-rate)",
            errorRate * 100, maxErrorRate * 100)));
  }

  /**
   * Prints the figures (with the machine) and returns the exit code: 0, or {@link #EXIT_TOO_MANY_ERRORS} when
   * there are {@code failures} (each then a line on stderr; in JSON, {@code "failures"}).
   */
  static int report(CommandSpec spec, boolean json, String command, JsonObject figures, String text,
                    List<String> failures) {
    PrintWriter out = spec.commandLine().getOut();
    boolean passed = failures.isEmpty();
    MachineInfo machine = MachineInfo.current();
    if (json) {
      JsonObject all = new JsonObject().put("command", command).put("machine", machine.toJson());
      all.mergeIn(figures);
      all.put("passed", passed).put("failures", new JsonArray(List.copyOf(failures)));
      out.println(all.encodePrettily());
    } else {
      out.println(machine.describe());
      out.print(text);
    }
    out.flush();
    if (!passed) {
      PrintWriter err = spec.commandLine().getErr();
      for (String failure : failures) {
        err.println("storefront " + command + ": " + failure);
      }
      err.flush();
      return EXIT_TOO_MANY_ERRORS;
    }
    return 0;
  }
}
