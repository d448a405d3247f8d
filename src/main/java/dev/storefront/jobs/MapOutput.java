package dev.storefront.jobs;

import java.util.List;

/**
 * The compact binary result of one map task: the line counts, then the word counts split by
 * {@link WordCounts#shard} into the job's reduce shards, so that shard {@code i} of every partition can be merged
 * independently of the others. Layout (big-endian): {@code long lines, long malformed, int shards}, then per shard
 * {@code int bytes, int entries}, then the shards' entries, each {@code varint length, UTF-8 bytes, varlong count}.
 */
public final class MapOutput {

  private static final int HEADER = 8 + 8 + 4;

  private MapOutput() {
  }

  public static byte[] encode(WordCounts counts, long lines, long malformed, int shards) {
    int[] bytes = new int[shards];
    int[] entries = new int[shards];
    counts.forEach((w, off, len, h, c) -> {
      int s = WordCounts.shard(h, shards);
      bytes[s] += varSize(len) + len + varSize(c);
      entries[s]++;
    });
    int total = HEADER + shards * 8;
    int[] cursor = new int[shards];
    for (int s = 0; s < shards; s++) {
      cursor[s] = total;
      total += bytes[s];
    }
    byte[] out = new byte[total];
    putLong(out, 0, lines);
    putLong(out, 8, malformed);
    putInt(out, 16, shards);
    for (int s = 0; s < shards; s++) {
      putInt(out, HEADER + s * 8, bytes[s]);
      putInt(out, HEADER + s * 8 + 4, entries[s]);
    }
    counts.forEach((w, off, len, h, c) -> {
      int s = WordCounts.shard(h, shards);
      int p = putVar(out, cursor[s], len);
      System.arraycopy(w, off, out, p, len);
      cursor[s] = putVar(out, p + len, c);
    });
    return out;
  }

  public static long lines(byte[] out) {
    return getLong(out, 0);
  }

  public static long malformed(byte[] out) {
    return getLong(out, 8);
  }

  public static int shards(byte[] out) {
    return getInt(out, 16);
  }

  /** The encoded size of shard {@code shard}'s entries (more than their words' bytes). */
  public static int bytes(byte[] out, int shard) {
    return getInt(out, HEADER + shard * 8);
  }

  public static int entries(byte[] out, int shard) {
    return getInt(out, HEADER + shard * 8 + 4);
  }

  /** Adds shard {@code shard} of every map output to {@code into}: one reduce step. */
  public static void mergeShardInto(WordCounts into, List<byte[]> outputs, int shard) {
    long[] var = new long[1];
    for (byte[] o : outputs) {
      int shards = shards(o);
      if (shard >= shards) {
        throw new IllegalArgumentException("map output has " + shards + " shards, not " + (shard + 1));
      }
      int p = HEADER + shards * 8;
      for (int s = 0; s < shard; s++) {
        p += getInt(o, HEADER + s * 8);
      }
      int n = entries(o, shard);
      for (int e = 0; e < n; e++) {
        p = getVar(o, p, var);
        int len = (int) var[0];
        int ws = p;
        p = getVar(o, p + len, var);
        into.add(o, ws, len, WordCounts.hash(o, ws, len), var[0]);
      }
    }
  }

  private static int varSize(long v) {
    int n = 1;
    while ((v >>>= 7) != 0) {
      n++;
    }
    return n;
  }

  private static int putVar(byte[] b, int p, long v) {
    while ((v & ~0x7FL) != 0) {
      b[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    return p;
  }

  private static int getVar(byte[] b, int p, long[] out) {
    long v = 0;
    int shift = 0;
    byte x;
    do {
      x = b[p++];
      v |= (long) (x & 0x7F) << shift;
      shift += 7;
    } while (x < 0);
    out[0] = v;
    return p;
  }

  private static void putInt(byte[] b, int p, int v) {
    b[p] = (byte) (v >>> 24);
    b[p + 1] = (byte) (v >>> 16);
    b[p + 2] = (byte) (v >>> 8);
    b[p + 3] = (byte) v;
  }

  private static int getInt(byte[] b, int p) {
    return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
  }

  private static void putLong(byte[] b, int p, long v) {
    putInt(b, p, (int) (v >>> 32));
    putInt(b, p + 4, (int) v);
  }

  private static long getLong(byte[] b, int p) {
    return (long) getInt(b, p) << 32 | (getInt(b, p + 4) & 0xffffffffL);
  }
}
