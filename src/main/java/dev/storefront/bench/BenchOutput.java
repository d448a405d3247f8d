package dev.storefront.bench;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.Locale;

/** How every {@code bench} command reports: the machine beside the figures, as text or as one JSON object. */
final class BenchOutput {

  /** Exit code of a run whose error rate exceeded the allowed one. */
  static final int EXIT_TOO_MANY_ERRORS = 1;

  private BenchOutput() {
  }

  /**
   * Prints the figures (with the machine) and returns the exit code: 0, or {@link #EXIT_TOO_MANY_ERRORS} when
   * {@code errorRate > maxErrorRate} (then a line on stderr says so).
   */
  static int report(CommandSpec spec, boolean json, String command, JsonObject figures, String text,
                    double errorRate, double maxErrorRate) {
    PrintWriter out = spec.commandLine().getOut();
    boolean passed = errorRate <= maxErrorRate;
    MachineInfo machine = MachineInfo.current();
    if (json) {
      JsonObject all = new JsonObject().put("command", command).put("machine", machine.toJson());
      all.mergeIn(figures);
      all.put("maxErrorRate", maxErrorRate).put("passed", passed);
      out.println(all.encodePrettily());
    } else {
      out.println(machine.describe());
      out.print(text);
    }
    out.flush();
    if (!passed) {
      PrintWriter err = spec.commandLine().getErr();
      err.printf(Locale.ROOT, "storefront bench: error rate %.3f%% is above the allowed %.3f%% (--max-error-rate)%n",
          errorRate * 100, maxErrorRate * 100);
      err.flush();
      return EXIT_TOO_MANY_ERRORS;
    }
    return 0;
  }
}
