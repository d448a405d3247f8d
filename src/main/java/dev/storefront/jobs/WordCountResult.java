package dev.storefront.jobs;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * A finished job's full result: the reduced word counts (one table per reduce shard, so a word is looked up in
 * its own shard) and the job's totals and timings.
 */
public final class WordCountResult {

  /** Words of equal count are ordered by their bytes, so top lists are deterministic. */
  private static final Comparator<Map.Entry<byte[], Long>> RANK = Comparator
      .<Map.Entry<byte[], Long>>comparingLong(Map.Entry::getValue).reversed()
      .thenComparing(Map.Entry::getKey, Arrays::compareUnsigned);

  private final WordCounts[] shards;
  private final long lines;
  private final long malformed;
  private final int partitions;
  private final double seconds;
  private final double reduceSeconds;
  private final double mergeSeconds;
  private final long distinct;
  private final long total;
  /** Reads in progress off the results' lock, and where the tables go once the result is evicted and unread. */
  private int readers;
  private Consumer<WordCounts[]> onFreed;

  /**
   * {@code reduceSeconds}: the reduce left after the last map output (merges overlap the map phase);
   * {@code mergeSeconds}: the time all merges took on the reduce pool, overlapped or not.
   */
  public WordCountResult(WordCounts[] shards, long lines, long malformed, int partitions, double seconds,
                         double reduceSeconds, double mergeSeconds) {
    this.shards = shards;
    this.lines = lines;
    this.malformed = malformed;
    this.partitions = partitions;
    this.seconds = seconds;
    this.reduceSeconds = reduceSeconds;
    this.mergeSeconds = mergeSeconds;
    long d = 0;
    long t = 0;
    for (WordCounts s : shards) {
      d += s.size();
      t += s.total();
    }
    this.distinct = d;
    this.total = t;
  }

  /**
   * Holds the tables for a read (a word or top-N query on a blocking thread); false once the result was evicted.
   * Every successful hold must be followed by a {@link #release()}.
   */
  public synchronized boolean hold() {
    if (onFreed != null) {
      return false;
    }
    readers++;
    return true;
  }

  public synchronized void release() {
    if (--readers == 0 && onFreed != null) {
      onFreed.accept(shards);
    }
  }

  /**
   * The result is no longer kept: its tables go to {@code onFreed} (to be reused) once no read holds them. The
   * result must not be read after this, except by the reads that hold it.
   */
  public synchronized void evict(Consumer<WordCounts[]> onFreed) {
    if (this.onFreed != null) {
      return;
    }
    this.onFreed = onFreed;
    if (readers == 0) {
      onFreed.accept(shards);
    }
  }

  /** The reduce tables, one per shard (for tests). */
  WordCounts[] shards() {
    return shards;
  }

  public long count(String word) {
    byte[] b = word.getBytes(StandardCharsets.UTF_8);
    return shards[WordCounts.shard(WordCounts.hash(b, 0, b.length), shards.length)].get(b);
  }

  /** The {@code n} most frequent words, most frequent first (ties by word). */
  public List<Map.Entry<String, Long>> top(int n) {
    if (n <= 0) {
      return List.of();
    }
    PriorityQueue<Map.Entry<byte[], Long>> heap = new PriorityQueue<>(n + 1, RANK.reversed());
    for (WordCounts s : shards) {
      s.forEach((bytes, off, len, h, c) -> {
        // most words count less than the heap's least: they are dismissed without an allocation
        if (heap.size() < n || c >= heap.peek().getValue()) {
          Map.Entry<byte[], Long> e = Map.entry(Arrays.copyOfRange(bytes, off, off + len), c);
          if (heap.size() < n) {
            heap.add(e);
          } else if (RANK.compare(e, heap.peek()) < 0) {
            heap.poll();
            heap.add(e);
          }
        }
      });
    }
    List<Map.Entry<byte[], Long>> sorted = new ArrayList<>(heap);
    sorted.sort(RANK);
    List<Map.Entry<String, Long>> out = new ArrayList<>(sorted.size());
    for (Map.Entry<byte[], Long> e : sorted) {
      out.add(Map.entry(new String(e.getKey(), StandardCharsets.UTF_8), e.getValue()));
    }
    return out;
  }

  public long lines() {
    return lines;
  }

  public long malformedLines() {
    return malformed;
  }

  public long distinctWords() {
    return distinct;
  }

  public long totalCount() {
    return total;
  }

  public int partitions() {
    return partitions;
  }

  public double seconds() {
    return seconds;
  }

  public double reduceSeconds() {
    return reduceSeconds;
  }

  /** The summary (no word lists), as kept in the job state. */
  public JsonObject summary() {
    return new JsonObject()
        .put("lines", lines)
        .put("distinctWords", distinct)
        .put("totalCount", total)
        .put("malformedLines", malformed)
        .put("partitions", partitions)
        .put("seconds", seconds)
        .put("reduceSeconds", reduceSeconds)
        .put("mergeSeconds", mergeSeconds);
  }

  /** The summary with the counts of {@code words} and the top {@code top}: the CLI's and the API's answer. */
  public JsonObject answer(List<String> words, int top) {
    JsonObject counts = new JsonObject();
    for (String w : words) {
      counts.put(w, count(w));
    }
    JsonArray topList = new JsonArray();
    for (Map.Entry<String, Long> e : top(top)) {
      topList.add(new JsonArray().add(e.getKey()).add(e.getValue()));
    }
    return summary().put("words", counts).put("top", topList);
  }
}
