package dev.storefront.jobs;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;

/** {@code storefront data}: generates data sets; {@code data ngrams} writes a 1-gram file. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Generate data sets for tests and benchmarks.",
    subcommands = DataCommand.Ngrams.class)
public final class DataCommand implements Runnable {

  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "name a data set, e.g. 'data ngrams --lines 4000000 --out FILE'");
  }

  /** {@code storefront data ngrams --lines N --out FILE [--seed S]}. */
  @Command(name = "ngrams", mixinStandardHelpOptions = true,
      description = "Write a deterministic file in the Google Books 1-gram format (word TAB year TAB match_count TAB "
          + "volume_count; grouped by word, years ascending, skewed counts; about 16 bytes a line). FILE ending in .gz is gzipped.")
  static final class Ngrams implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--lines", required = true, paramLabel = "N", description = "number of lines")
    long lines;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "file to write (replaced)")
    Path out;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
      if (lines < 0) {
        throw new ParameterException(spec.commandLine(), "--lines must be 0 or more, got " + lines);
      }
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      long t0 = System.nanoTime();
      try (OutputStream file = Files.newOutputStream(out);
           OutputStream target = out.toString().endsWith(".gz")
               ? new GZIPOutputStream(new BufferedOutputStream(file, 1 << 16), 1 << 16) : file) {
        NgramGenerator.write(lines, seed, target);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      spec.commandLine().getOut().printf("wrote %d lines (%.1f MB) to %s in %.2f s%n", lines, Files.size(out) / 1e6, out, seconds);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
