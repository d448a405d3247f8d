package dev.storefront.jobs;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Word counts keyed by the word's UTF-8 bytes: an open-addressing hash table (linear probing) that never decodes
 * a word to a String while counting. Each entry lives in one growing byte array, the arena, in insertion order:
 * {@code int hash, varint length, the word's bytes, long count}. A slot of the table is one {@code long}, the
 * word's hash and its arena offset, so a probe reads one array and a hit one arena entry: counting a word that is
 * new costs one cache miss, one already there two. A million words are a
 * handful of objects for the garbage collector, not a million. {@link #forEach} walks the arena, and so does
 * {@link #clear} on a sparse table: they cost what the table holds, not its capacity (a worker reuses one table
 * for partitions large and small). Single-threaded.
 */
public final class WordCounts {

  /** Receives each entry of {@link #forEach}: the word is {@code bytes[off, off+len)}, valid during the call. */
  public interface Visitor {
    void accept(byte[] bytes, int off, int len, int hash, long count);
  }

  /** Slots filled before the table doubles: linear probing stays short below two thirds. */
  private static final float MAX_LOAD = 0.65f;
  /** Arena bytes of an entry besides its word: hash, count and (for words under 128 bytes) the length. */
  private static final int ENTRY_OVERHEAD = 4 + 8 + 1;
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private byte[] arena;
  private int arenaUsed;
  /** Per slot: the word's hash (high half) and its entry's arena offset plus one (low half); 0 is empty. */
  private long[] slots;
  private int size;
  private long total;
  private int mask;
  private int resizeAt;

  public WordCounts(int expected) {
    slots = new long[capacityFor(Math.max(8, expected))];
    sized();
    arena = new byte[Math.max(256, expected * (8 + ENTRY_OVERHEAD))];
  }

  private static int capacityFor(int entries) {
    int capacity = 16;
    while (capacity * MAX_LOAD < entries && capacity < 1 << 30) {
      capacity <<= 1;
    }
    return capacity;
  }

  private void sized() {
    mask = slots.length - 1;
    resizeAt = (int) (slots.length * MAX_LOAD);
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
    long slot;
    while ((slot = slots[i]) != 0) {
      if ((int) (slot >>> 32) == hash) {
        int count = countAt((int) slot - 1, b, off, len);
        if (count >= 0) {
          LONG.set(arena, count, (long) LONG.get(arena, count) + delta);
          return;
        }
      }
      i = (i + 1) & mask;
    }
    insert(i, b, off, len, hash, delta);
  }

  public void add(String word, long delta) {
    byte[] b = word.getBytes(StandardCharsets.UTF_8);
    add(b, 0, b.length, hash(b, 0, b.length), delta);
  }

  /** The arena offset of the count of the entry at {@code at} if its word is {@code b[off, off+len)}, else -1. */
  private int countAt(int at, byte[] b, int off, int len) {
    int stored = wordLength(at);
    int p = wordStart(at, stored);
    if (stored != len || !Arrays.equals(arena, p, p + len, b, off, off + len)) {
      return -1;
    }
    return p + len;
  }

  /** The length of the word of the entry at {@code at} (a varint after the hash: one byte under 128). */
  private int wordLength(int at) {
    int p = at + 4;
    int len = 0;
    int shift = 0;
    byte x;
    do {
      x = arena[p++];
      len |= (x & 0x7F) << shift;
      shift += 7;
    } while (x < 0);
    return len;
  }

  private static int wordStart(int at, int len) {
    return at + 4 + (len < 1 << 7 ? 1 : len < 1 << 14 ? 2 : len < 1 << 21 ? 3 : len < 1 << 28 ? 4 : 5);
  }

  private void insert(int slot, byte[] b, int off, int len, int hash, long delta) {
    int need = len + ENTRY_OVERHEAD + 4;
    if (arena.length - arenaUsed < need) {
      long grown = Math.max((long) arena.length * 2, (long) arenaUsed + need);
      if (grown > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("more than 2 GiB of distinct words in one table");
      }
      arena = Arrays.copyOf(arena, (int) grown);
    }
    int at = arenaUsed;
    INT.set(arena, at, hash);
    int p = at + 4;
    int v = len;
    while ((v & ~0x7F) != 0) {
      arena[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    arena[p++] = (byte) v;
    System.arraycopy(b, off, arena, p, len);
    p += len;
    LONG.set(arena, p, delta);
    arenaUsed = p + 8;
    slots[slot] = (long) hash << 32 | (at + 1) & 0xffffffffL;
    if (++size > resizeAt) {
      rehash(slots.length * 2);
    }
  }

  /**
   * Makes room for {@code entries} words of {@code wordBytes} bytes in all, so that adding them grows nothing: a
   * hint (the table still grows past it). A reduce table that grows a doubling at a time copies itself about
   * ten times on the way to a million words, and each copy is garbage of several megabytes.
   */
  public void reserve(int entries, int wordBytes) {
    if (entries > resizeAt) {
      rehash(capacityFor(entries));
    }
    long bytes = wordBytes + (long) entries * ENTRY_OVERHEAD;
    if (bytes > arena.length) { // a quarter more: a projection creeps up, and each copy is megabytes
      arena = Arrays.copyOf(arena, (int) Math.min(Integer.MAX_VALUE - 16, bytes + bytes / 4));
    }
  }

  /** Rebuilds the slots from the arena, which keeps every entry's hash. */
  private void rehash(int capacity) {
    slots = new long[capacity];
    sized();
    for (int at = 0; at < arenaUsed; at = next(at)) {
      int hash = (int) INT.get(arena, at);
      int i = hash & mask;
      while (slots[i] != 0) {
        i = (i + 1) & mask;
      }
      slots[i] = (long) hash << 32 | (at + 1) & 0xffffffffL;
    }
  }

  /** The arena offset of the entry after the one at {@code at}. */
  private int next(int at) {
    int len = wordLength(at);
    return wordStart(at, len) + len + 8;
  }

  /**
   * Empties the table, keeping its capacity for reuse. Each entry's home slot starts a run of occupied slots
   * that ends at an empty one, and every run starts at the home slot of its first entry: emptying the run from
   * each entry's home slot on empties every slot, in time proportional to what the table holds. A table more than
   * a quarter full is emptied by filling every slot instead: a memory fill beats walking that many entries.
   */
  public void clear() {
    if (size > slots.length >>> 2) {
      Arrays.fill(slots, 0L);
    } else {
      for (int at = 0; at < arenaUsed; at = next(at)) {
        int i = (int) INT.get(arena, at) & mask;
        while (slots[i] != 0) {
          slots[i] = 0;
          i = (i + 1) & mask;
        }
      }
    }
    arenaUsed = 0;
    size = 0;
    total = 0;
  }

  /** The bytes the table's arrays take (what keeping it for reuse costs). */
  public long footprint() {
    return (long) slots.length * Long.BYTES + arena.length;
  }

  /** Slots in the table (a power of two, at least 1.54 times {@link #size}). */
  public int capacity() {
    return slots.length;
  }

  /** The count of a word, 0 when absent. */
  public long get(byte[] word) {
    int hash = hash(word, 0, word.length);
    int i = hash & mask;
    long slot;
    while ((slot = slots[i]) != 0) {
      if ((int) (slot >>> 32) == hash) {
        int count = countAt((int) slot - 1, word, 0, word.length);
        if (count >= 0) {
          return (long) LONG.get(arena, count);
        }
      }
      i = (i + 1) & mask;
    }
    return 0;
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
    for (int at = 0; at < arenaUsed; at = next(at)) {
      int len = wordLength(at);
      int p = wordStart(at, len);
      visitor.accept(arena, p, len, (int) INT.get(arena, at), (long) LONG.get(arena, p + len));
    }
  }
}
