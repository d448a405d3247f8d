package dev.storefront.bench;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code storefront bench compare A.json B.json}: the differences between two {@code bench http} runs, with a verdict on noise. */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Compares two bench http runs (their result.json, or what --json printed): throughput, p50/p90/p99,",
        "max, error rate and knee, B against A, each with a verdict on whether the change is beyond the runs'",
        "second-to-second noise (Welch's t-test over the measured seconds, 95%)."})
public final class BenchCompareCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "A", description = "the baseline run: result.json, or a directory holding one")
  Path a;

  @Parameters(index = "1", paramLabel = "B", description = "the run compared with it")
  Path b;

  @Option(names = "--json", description = "print one JSON object instead of text")
  boolean json;

  @Override
  public Integer call() {
    JsonObject runA = read(a);
    JsonObject runB = read(b);
    RunComparison comparison;
    try {
      comparison = RunComparison.of(runA, runB);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "bench compare: " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(comparison.toJson().put("command", "bench compare").put("a", a.toString()).put("b", b.toString())
          .encodePrettily());
    } else {
      out.println("bench compare: A = " + a + ", B = " + b);
      out.print(comparison.describe());
    }
    out.flush();
    return 0;
  }

  private JsonObject read(Path path) {
    Path file = Files.isDirectory(path) ? path.resolve(RunFiles.RESULT) : path;
    try {
      return new JsonObject(Files.readString(file));
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "bench compare: cannot read " + file + ": " + e.getMessage());
    } catch (DecodeException e) {
      throw new ParameterException(spec.commandLine(), "bench compare: " + file + " is not JSON: " + e.getMessage());
    }
  }
}
