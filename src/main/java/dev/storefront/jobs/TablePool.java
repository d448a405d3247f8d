package dev.storefront.jobs;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A node's spare reduce tables: those of results it no longer keeps, emptied, for its next jobs' reduce shards.
 * <p>
 * A 40M-line job's four reduce tables take about 50 MB, and so do the tables of the result its end evicts. Made new
 * for every job and dropped with every evicted result, they would fill the node's old generation, with a full
 * collection (60-100 ms, pausing the node's HTTP event loops too) about every second job. Reused, they are garbage only when
 * the pool is full.
 * <p>
 * The pool keeps at most {@code maxBytes} of tables (their {@link WordCounts#footprint()}); what does not fit is
 * left to the collector. Thread-safe: tables come back from a blocking-pool thread and are taken on event loops.
 */
final class TablePool {

  /** The capacity a new table starts with; it grows with what a shard holds. */
  static final int NEW_TABLE_ENTRIES = 1 << 10;

  private final long maxBytes;
  private final Deque<WordCounts> free = new ArrayDeque<>();
  private long bytes;

  TablePool(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** An empty table: a spare one when there is one, else a new one. */
  synchronized WordCounts take() {
    WordCounts t = free.pollLast();
    if (t == null) {
      return new WordCounts(NEW_TABLE_ENTRIES);
    }
    bytes -= t.footprint();
    return t;
  }

  /**
   * Empties {@code table} (milliseconds for a big one: call it off the event loop) and keeps it if it fits. The
   * caller must own it: no job merges into it and no query reads it any more.
   */
  void give(WordCounts table) {
    table.clear();
    long size = table.footprint();
    synchronized (this) {
      if (bytes + size <= maxBytes) {
        free.addLast(table);
        bytes += size;
      }
    }
  }

  synchronized int spare() {
    return free.size();
  }

  synchronized long spareBytes() {
    return bytes;
  }
}
