package dev.storefront.jobs;

import java.io.PrintStream;

/** Job progress on stderr: a bar redrawn in place on a terminal, a plain line per change otherwise. */
final class ProgressDisplay {

  private static final int WIDTH = 30;
  private final PrintStream out;
  private final boolean terminal;
  private final long startNanos = System.nanoTime();
  private long lastDone = -1;
  private boolean drawn;

  ProgressDisplay(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  synchronized void update(long done, long total) {
    if (done == lastDone || total <= 0) {
      return;
    }
    lastDone = done;
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    if (terminal) {
      int filled = (int) (WIDTH * done / total);
      out.printf("\r[%s%s] %d/%d partitions  %.1f s", "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, seconds);
      drawn = true;
    } else {
      out.printf("progress: %d/%d partitions (%.1f s)%n", done, total, seconds);
    }
    out.flush();
  }

  synchronized void finish() {
    if (terminal && drawn) {
      out.println();
      out.flush();
    }
  }
}
