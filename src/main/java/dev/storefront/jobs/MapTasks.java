package dev.storefront.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;

/** The map side of a word count, without Vert.x: a file partition or feedback texts to a {@link MapOutput}. */
public final class MapTasks {

  private static final int CHUNK = 1 << 18;
  /**
   * Partitions are read through a direct buffer of our own: a read into a heap buffer goes through the JDK's
   * per-thread cache of temporary direct buffers, and a worker verticle runs on any thread of the pool: a cache
   * miss there deoptimised the compiled parse loop (inlined into {@link #pump}) on warm nodes, job after job. One
   * buffer per thread, allocated once: the worker pool is fixed, and a buffer per task would hold native memory
   * until a collection (a 1 MiB partition size on a 1.8 GB file is 1800 tasks).
   */
  private static final ThreadLocal<ByteBuffer> READ_BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK));

  private MapTasks() {
  }

  /**
   * Counts the lines of one file partition in {@code counts}, which is cleared first (a worker reuses one table
   * from task to task: a fresh one per task grew through several copies, megabytes each, and the node's
   * collector had to clear them away). {@code cancelled} is checked between chunks, so a cancelled job's task
   * stops early (it then throws {@link java.util.concurrent.CancellationException}).
   */
  public static byte[] countFile(Path file, FilePartition part, int shards, WordCounts counts, BooleanSupplier cancelled)
      throws IOException {
    counts.clear();
    NgramLineParser parser = new NgramLineParser(counts);
    if (part.gzip()) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
        pump((buf, off, len) -> in.readNBytes(buf, off, len), parser, cancelled);
      }
    } else {
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
        ByteBuffer direct = READ_BUFFER.get();
        long[] pos = {part.start()};
        pump((buf, off, len) -> {
          int want = (int) Math.min(Math.min(len, direct.capacity()), part.end() - pos[0]);
          if (want <= 0) {
            return 0;
          }
          direct.clear().limit(want);
          int n = ch.read(direct, pos[0]);
          if (n <= 0) {
            return 0;
          }
          direct.flip().get(buf, off, n);
          pos[0] += n;
          return n;
        }, parser, cancelled);
      }
    }
    parser.finish();
    return MapOutput.encode(counts, parser.lines(), parser.malformed(), shards);
  }

  private interface Source {
    /** Reads up to {@code len} bytes; 0 at the end. */
    int read(byte[] buf, int off, int len) throws IOException;
  }

  /** Feeds whole lines to the parser; a partial line at a chunk's end moves to the front of the buffer. */
  private static void pump(Source source, NgramLineParser parser, BooleanSupplier cancelled) throws IOException {
    byte[] buf = new byte[CHUNK];
    int filled = 0;
    while (true) {
      if (filled == buf.length) {
        buf = java.util.Arrays.copyOf(buf, buf.length * 2); // a line longer than the buffer
      }
      int n = source.read(buf, filled, buf.length - filled);
      if (n == 0) {
        break;
      }
      filled += n;
      int lastNewline = filled - 1;
      while (lastNewline >= 0 && buf[lastNewline] != '\n') {
        lastNewline--;
      }
      if (lastNewline >= 0) {
        parser.parse(buf, 0, lastNewline + 1);
        int rest = filled - lastNewline - 1;
        System.arraycopy(buf, lastNewline + 1, buf, 0, rest);
        filled = rest;
      }
      if (cancelled.getAsBoolean()) {
        throw new java.util.concurrent.CancellationException("job cancelled");
      }
    }
    parser.parse(buf, 0, filled);
  }

  /** Counts the words of feedback texts. */
  public static byte[] countTexts(Iterable<String> texts, int shards) {
    WordCounts counts = new WordCounts(1 << 12);
    long[] lines = {0};
    for (String t : texts) {
      lines[0]++;
      TextTokenizer.tokenize(t, w -> counts.add(w, 1));
    }
    return MapOutput.encode(counts, lines[0], 0, shards);
  }
}
