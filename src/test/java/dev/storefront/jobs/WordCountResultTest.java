package dev.storefront.jobs;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordCountResultTest {

  @Test
  @DisplayName("top(n) equals a full sort by count, then by word bytes, whatever the shard layout and ties")
  void topMatchesAFullSort() {
    SplittableRandom random = new SplittableRandom(7);
    int shardCount = 4;
    WordCounts[] shards = new WordCounts[shardCount];
    for (int s = 0; s < shardCount; s++) {
      shards[s] = new WordCounts(16);
    }
    Map<String, Long> reference = new HashMap<>();
    for (int i = 0; i < 5000; i++) {
      String word = "w" + random.nextInt(3000) + (i % 7 == 0 ? "é" : "");
      long count = 1 + random.nextInt(40); // few distinct counts: many ties
      byte[] b = word.getBytes(StandardCharsets.UTF_8);
      int hash = WordCounts.hash(b, 0, b.length);
      shards[WordCounts.shard(hash, shardCount)].add(b, 0, b.length, hash, count);
      reference.merge(word, count, Long::sum);
    }
    WordCountResult result = new WordCountResult(shards, 5000, 0, 1, 0.1, 0, 0);
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(reference.entrySet());
    sorted.sort(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).reversed()
        .thenComparing(e -> e.getKey().getBytes(StandardCharsets.UTF_8), java.util.Arrays::compareUnsigned));

    for (int n : new int[] {1, 10, 137, reference.size(), reference.size() + 5}) {
      assertEquals(sorted.subList(0, Math.min(n, sorted.size())), result.top(n), "top " + n);
    }
    assertEquals(List.of(), result.top(0));
  }

  @Test
  @DisplayName("an evicted result gives its tables back once the reads holding them end, and no read starts after")
  void evictAfterReads() {
    WordCounts[] shards = {new WordCounts(16), new WordCounts(16)};
    WordCountResult held = new WordCountResult(shards, 0, 0, 1, 0, 0, 0);
    List<WordCounts[]> freed = new ArrayList<>();
    assertTrue(held.hold());
    assertTrue(held.hold());
    held.evict(freed::add);
    assertFalse(held.hold(), "a read after the eviction");
    held.release();
    assertEquals(0, freed.size(), "given back while a read holds the tables");
    held.release();
    assertEquals(1, freed.size());
    assertSame(shards, freed.get(0));
    held.evict(freed::add);
    assertEquals(1, freed.size(), "given back twice");

    WordCountResult unread = new WordCountResult(new WordCounts[] {new WordCounts(16)}, 0, 0, 1, 0, 0, 0);
    unread.evict(freed::add);
    assertEquals(2, freed.size(), "an unread result gives its tables back at once");
  }
}
