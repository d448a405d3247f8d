package dev.storefront.jobs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Word counts keyed by the word's UTF-8 bytes: an open-addressing hash table (linear probing) that never decodes
 * a word to a String while counting. Single-threaded.
 */
public final class WordCounts {

  /** Receives each entry of {@link #forEach}. */
  public interface Visitor {
    void accept(byte[] word, int hash, long count);
  }

  private byte[][] keys;
  private int[] hashes;
  private long[] counts;
  private int size;
  private long total;
  private int mask;
  private int resizeAt;

  public WordCounts(int expected) {
    int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
    allocate(capacity);
  }

  private void allocate(int capacity) {
    keys = new byte[capacity][];
    hashes = new int[capacity];
    counts = new long[capacity];
    mask = capacity - 1;
    resizeAt = (int) (capacity * 0.6f);
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

  /** Adds {@code delta} to the word in {@code b[off, off+len)} (copied when new). */
  public void add(byte[] b, int off, int len, int hash, long delta) {
    total += delta;
    int i = hash & mask;
    while (true) {
      byte[] k = keys[i];
      if (k == null) {
        insert(i, Arrays.copyOfRange(b, off, off + len), hash, delta);
        return;
      }
      if (hashes[i] == hash && k.length == len && Arrays.equals(k, 0, len, b, off, off + len)) {
        counts[i] += delta;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  /** Adds {@code delta} to {@code word}, keeping the array itself when the word is new (the caller gives it up). */
  public void addOwned(byte[] word, int hash, long delta) {
    total += delta;
    int i = hash & mask;
    while (true) {
      byte[] k = keys[i];
      if (k == null) {
        insert(i, word, hash, delta);
        return;
      }
      if (hashes[i] == hash && Arrays.equals(k, word)) {
        counts[i] += delta;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  public void add(String word, long delta) {
    byte[] b = word.getBytes(StandardCharsets.UTF_8);
    addOwned(b, hash(b, 0, b.length), delta);
  }

  private void insert(int slot, byte[] key, int hash, long delta) {
    keys[slot] = key;
    hashes[slot] = hash;
    counts[slot] = delta;
    if (++size > resizeAt) {
      rehash();
    }
  }

  private void rehash() {
    byte[][] oldKeys = keys;
    int[] oldHashes = hashes;
    long[] oldCounts = counts;
    allocate(oldKeys.length * 2);
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != null) {
        int i = oldHashes[j] & mask;
        while (keys[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        hashes[i] = oldHashes[j];
        counts[i] = oldCounts[j];
      }
    }
  }

  /** The count of a word, 0 when absent. */
  public long get(byte[] word) {
    int hash = hash(word, 0, word.length);
    int i = hash & mask;
    while (true) {
      byte[] k = keys[i];
      if (k == null) {
        return 0;
      }
      if (hashes[i] == hash && Arrays.equals(k, word)) {
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

  public void forEach(Visitor visitor) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != null) {
        visitor.accept(keys[i], hashes[i], counts[i]);
      }
    }
  }
}
