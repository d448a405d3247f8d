package dev.storefront.jobs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Word counts keyed by the word's UTF-8 bytes: an open-addressing hash table (linear probing) that never decodes
 * a word to a String while counting. The words' bytes live one after another in a single growing array (the
 * arena), not one small array each: a reduce table of a million words is a handful of objects for the garbage
 * collector to copy, not a million (the node's collections during a 40M-line job took 18 % of it before).
 * The occupied slots are also listed in insertion order, so {@link #forEach} and {@link #clear} cost what the
 * table holds, not its capacity (a worker reuses one table for partitions large and small), and visit the arena
 * front to back. Single-threaded.
 */
public final class WordCounts {

  /** Receives each entry of {@link #forEach}: the word is {@code bytes[off, off+len)}, valid during the call. */
  public interface Visitor {
    void accept(byte[] bytes, int off, int len, int hash, long count);
  }

  /** Slots filled before the table doubles: linear probing stays short below two thirds. */
  private static final float MAX_LOAD = 0.65f;

  private byte[] arena;
  private int arenaUsed;
  /** Per slot: the word's offset in the arena plus one (0: empty slot). */
  private int[] keyAt;
  private int[] keyLen;
  private int[] hashes;
  private long[] counts;
  /** The occupied slots in insertion order: {@code order[0, size)}. */
  private int[] order;
  private int size;
  private long total;
  private int mask;
  private int resizeAt;

  public WordCounts(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    allocate(capacity);
    arena = new byte[Math.max(256, expected * 8)];
  }

  private void allocate(int capacity) {
    keyAt = new int[capacity];
    keyLen = new int[capacity];
    hashes = new int[capacity];
    counts = new long[capacity];
    mask = capacity - 1;
    resizeAt = (int) (capacity * MAX_LOAD);
    order = new int[resizeAt + 1];
  }

  /** The hash every part of a job uses for a word's bytes (table slot and reduce shard). */
  public static int hash(byte[] b, int off, int len) {
    int h = 0x811c9dc5;
    int end = off + len;
    for (int i = off; i < end; i++) {
      h = h * 31 + b[i];
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return h;
  }

  /** The reduce shard of a hash, among {@code shards}. */
  public static int shard(int hash, int shards) {
    return (int) (((hash >>> 8) & 0xffffffL) * shards >>> 24);
  }

  /** Adds {@code delta} to the word in {@code b[off, off+len)}, whose {@link #hash} is {@code hash}. */
  public void add(byte[] b, int off, int len, int hash, long delta) {
    total += delta;
    int i = hash & mask;
    while (true) {
      int at = keyAt[i];
      if (at == 0) {
        insert(i, b, off, len, hash, delta);
        return;
      }
      if (hashes[i] == hash && keyLen[i] == len && Arrays.equals(arena, at - 1, at - 1 + len, b, off, off + len)) {
        counts[i] += delta;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  public void add(String word, long delta) {
    byte[] b = word.getBytes(StandardCharsets.UTF_8);
    add(b, 0, b.length, hash(b, 0, b.length), delta);
  }

  private void insert(int slot, byte[] b, int off, int len, int hash, long delta) {
    if (arena.length - arenaUsed < len) {
      long grown = Math.max((long) arena.length * 2, (long) arenaUsed + len);
      if (grown > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("more than 2 GiB of distinct words in one table");
      }
      arena = Arrays.copyOf(arena, (int) grown);
    }
    System.arraycopy(b, off, arena, arenaUsed, len);
    keyAt[slot] = arenaUsed + 1;
    keyLen[slot] = len;
    arenaUsed += len;
    hashes[slot] = hash;
    counts[slot] = delta;
    order[size] = slot;
    if (++size > resizeAt) {
      rehash();
    }
  }

  /**
   * Makes room for {@code entries} words of {@code wordBytes} bytes in all, so that adding them grows nothing: a
   * hint (the table still grows past it). A reduce table that grows a doubling at a time copies itself about
   * ten times on the way to a million words, and each copy is garbage of several megabytes.
   */
  public void reserve(int entries, int wordBytes) {
    if (entries > resizeAt) {
      int capacity = keyAt.length;
      while (capacity * MAX_LOAD < entries && capacity < 1 << 30) {
        capacity <<= 1;
      }
      rehash(capacity);
    }
    if (wordBytes > arena.length) { // a quarter more: a projection creeps up, and each copy is megabytes
      arena = Arrays.copyOf(arena, (int) Math.min(Integer.MAX_VALUE - 16, wordBytes + (long) wordBytes / 4));
    }
  }

  private void rehash() {
    rehash(keyAt.length * 2);
  }

  private void rehash(int capacity) {
    int[] oldAt = keyAt;
    int[] oldLen = keyLen;
    int[] oldHashes = hashes;
    long[] oldCounts = counts;
    int[] oldOrder = order;
    allocate(capacity);
    for (int k = 0; k < size; k++) {
      int j = oldOrder[k];
      int i = oldHashes[j] & mask;
      while (keyAt[i] != 0) {
        i = (i + 1) & mask;
      }
      keyAt[i] = oldAt[j];
      keyLen[i] = oldLen[j];
      hashes[i] = oldHashes[j];
      counts[i] = oldCounts[j];
      order[k] = i;
    }
  }

  /** Empties the table, keeping its capacity for reuse. */
  public void clear() {
    for (int k = 0; k < size; k++) {
      keyAt[order[k]] = 0;
    }
    arenaUsed = 0;
    size = 0;
    total = 0;
  }

  /** Slots in the table (a power of two, at least 1.54 times {@link #size}). */
  public int capacity() {
    return keyAt.length;
  }

  /** The count of a word, 0 when absent. */
  public long get(byte[] word) {
    int hash = hash(word, 0, word.length);
    int i = hash & mask;
    while (true) {
      int at = keyAt[i];
      if (at == 0) {
        return 0;
      }
      if (hashes[i] == hash && keyLen[i] == word.length
          && Arrays.equals(arena, at - 1, at - 1 + word.length, word, 0, word.length)) {
        return counts[i];
      }
      i = (i + 1) & mask;
    }
  }

  public long get(String word) {
    return get(word.getBytes(StandardCharsets.UTF_8));
  }

  public int size() {
    return size;
  }

  /** The sum of all counts. */
  public long total() {
    return total;
  }

  /** Visits every entry, in insertion order. */
  public void forEach(Visitor visitor) {
    for (int k = 0; k < size; k++) {
      int i = order[k];
      visitor.accept(arena, keyAt[i] - 1, keyLen[i], hashes[i], counts[i]);
    }
  }
}
