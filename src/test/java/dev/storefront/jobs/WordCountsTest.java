package dev.storefront.jobs;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordCountsTest {

  @Test
  @DisplayName("counts match a HashMap through table and arena growth, words of any length, and slices of larger arrays")
  void matchesAHashMap() {
    WordCounts counts = new WordCounts(1); // smallest table and arena: both must grow many times
    Map<String, Long> reference = new HashMap<>();
    SplittableRandom random = new SplittableRandom(11);
    long total = 0;
    for (int i = 0; i < 20_000; i++) {
      int n = random.nextInt(2500);
      String word = n % 97 == 0 ? "long-" + "x".repeat(300 + n % 50) + n : "w" + n + (n % 5 == 0 ? "ü" : "");
      byte[] padded = ("<<" + word + ">>").getBytes(StandardCharsets.UTF_8);
      int len = word.getBytes(StandardCharsets.UTF_8).length;
      long delta = 1 + random.nextInt(1000);
      counts.add(padded, 2, len, WordCounts.hash(padded, 2, len), delta);
      reference.merge(word, delta, Long::sum);
      total += delta;
    }
    assertEquals(reference.size(), counts.size());
    assertEquals(total, counts.total());
    reference.forEach((w, c) -> assertEquals(c.longValue(), counts.get(w), w));
    assertEquals(0, counts.get("absent"));
    Map<String, Long> visited = new HashMap<>();
    counts.forEach((bytes, off, len, hash, c) -> {
      assertEquals(WordCounts.hash(bytes, off, len), hash);
      visited.put(new String(bytes, off, len, StandardCharsets.UTF_8), c);
    });
    assertEquals(reference, visited);
  }

  @Test
  @DisplayName("a cleared table keeps its capacity and counts afresh, nothing of its earlier words left (full or sparse)")
  void clearForReuse() {
    for (int reserved : new int[] {0, 200_000}) { // 5,000 words fill a table, or sit sparse in a reserved one
      WordCounts counts = new WordCounts(1);
      counts.reserve(reserved, reserved * 10);
      for (int i = 0; i < 5_000; i++) {
        counts.add("before" + i, i + 1);
      }
      int capacity = counts.capacity();
      counts.clear();
      String what = reserved == 0 ? "full table" : "sparse table";
      assertEquals(capacity, counts.capacity(), what);
      assertEquals(0, counts.size(), what);
      assertEquals(0, counts.total(), what);
      assertEquals(0, counts.get("before7"), what);
      counts.add("after", 3);
      counts.add("before7", 2);
      assertEquals(2, counts.size(), what);
      assertEquals(5, counts.total(), what);
      assertEquals(2, counts.get("before7"), what);
      Map<String, Long> visited = new HashMap<>();
      counts.forEach((bytes, off, len, hash, c) -> visited.put(new String(bytes, off, len, StandardCharsets.UTF_8), c));
      assertEquals(Map.of("after", 3L, "before7", 2L), visited, what);
      for (int i = 0; i < 5_000; i++) { // every slot was emptied: no old word is found, each is counted anew
        counts.add("before" + i, 1);
      }
      assertEquals(5_001, counts.size(), what);
      assertEquals(3, counts.get("before7"), what);
      assertEquals(1, counts.get("before4999"), what);
    }
  }

  @Test
  @DisplayName("forEach visits words in the order they first arrived, through table growth and after a clear")
  void insertionOrder() {
    WordCounts counts = new WordCounts(1);
    for (int round = 0; round < 2; round++) {
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 3_000; i++) {
        String word = "r" + round + "w" + (i * 7919 % 3_000);
        counts.add(word, 1);
        counts.add(word, 1);
        expected.add(word);
      }
      List<String> visited = new ArrayList<>();
      counts.forEach((bytes, off, len, hash, c) -> {
        assertEquals(2, c);
        visited.add(new String(bytes, off, len, StandardCharsets.UTF_8));
      });
      assertEquals(expected, visited);
      counts.clear();
    }
  }

  @Test
  @DisplayName("a table reserved for N words takes them without growing, keeps what it held, and still grows past N")
  void reserve() {
    WordCounts counts = new WordCounts(1);
    counts.add("kept", 5);
    counts.reserve(10_000, 80_000);
    int capacity = counts.capacity();
    assertEquals(5, counts.get("kept"));
    for (int i = 0; i < 9_999; i++) {
      counts.add("w" + i, 1);
    }
    assertEquals(capacity, counts.capacity(), "no growth up to the reserved size");
    assertEquals(10_000, counts.size());
    counts.reserve(100, 10); // smaller than the table: nothing changes
    assertEquals(capacity, counts.capacity());
    for (int i = 0; i < 20_000; i++) {
      counts.add("w" + i, 1);
    }
    assertEquals(2, counts.get("w9998"));
    assertEquals(1, counts.get("w19999"));
    assertEquals(5 + 9_999 + 20_000, counts.total());
    assertTrue(counts.capacity() > capacity, "grew past the reservation");
  }
}
