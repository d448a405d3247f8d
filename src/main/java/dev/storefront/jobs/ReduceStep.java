package dev.storefront.jobs;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

import java.util.List;

/**
 * One reduce step of a job: adds shard {@code shard} of some map outputs to that shard's table. The coordinator
 * sends it to {@link JobAddresses#REDUCE}, which only the worker verticles of its own process consume, so merges
 * run on the same threads as map tasks: a node never runs more of a job at once than it has workers.
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

  /** Lets reduce steps travel on {@code bus} within the process; once per Vert.x instance. */
  static void registerCodec(EventBus bus) {
    bus.registerDefaultCodec(ReduceStep.class, new LocalOnly());
  }

  static void unregisterCodec(EventBus bus) {
    bus.unregisterDefaultCodec(ReduceStep.class);
  }

  /** Hands the step over as is; it holds the coordinator's tables, so it can never go to another process. */
  private static final class LocalOnly implements MessageCodec<ReduceStep, ReduceStep> {

    @Override
    public void encodeToWire(Buffer buffer, ReduceStep step) {
      throw new IllegalStateException("reduce steps stay in the coordinator's process");
    }

    @Override
    public ReduceStep decodeFromWire(int pos, Buffer buffer) {
      throw new IllegalStateException("reduce steps stay in the coordinator's process");
    }

    @Override
    public ReduceStep transform(ReduceStep step) {
      return step;
    }

    @Override
    public String name() {
      return "storefront-reduce-step";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
