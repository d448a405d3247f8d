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

  ReduceStep(WordCounts table, List<byte[]> outputs, int shard) {
    this.table = table;
    this.outputs = outputs;
    this.shard = shard;
  }

  /** Runs the merge; returns the nanoseconds it took. */
  long run() {
    long t0 = System.nanoTime();
    MapOutput.mergeShardInto(table, outputs, shard);
    return System.nanoTime() - t0;
  }
}
