package dev.storefront.jobs;

import java.util.List;

/**
 * One reduce step of a job: adds shard {@code shard} of some map outputs to that shard's table. The coordinator
 * sends it to {@link JobAddresses#REDUCE} with the {@link LocalCodec} (it holds the coordinator's tables), and its
 * node's {@link WorkQueue} gives it to a worker verticle like a map task: a node never runs more of a job at once
 * than it has workers.
 */
final class ReduceStep {

  private final WordCounts table;
  private final List<byte[]> outputs;
  private final int shard;
  private final int expectedEntries;
  private final int expectedBytes;

  /** {@code expectedEntries} and {@code expectedBytes}: what the table is likely to hold at the end (0: unknown). */
  ReduceStep(WordCounts table, List<byte[]> outputs, int shard, int expectedEntries, int expectedBytes) {
    this.table = table;
    this.outputs = outputs;
    this.shard = shard;
    this.expectedEntries = expectedEntries;
    this.expectedBytes = expectedBytes;
  }

  /** Runs the merge; returns the nanoseconds it took. */
  long run() {
    long t0 = System.nanoTime();
    table.reserve(expectedEntries, expectedBytes);
    MapOutput.mergeShardInto(table, outputs, shard);
    return System.nanoTime() - t0;
  }
}
