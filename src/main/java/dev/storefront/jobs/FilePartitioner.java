package dev.storefront.jobs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a file into {@link FilePartition}s aligned to line starts: each nominal boundary {@code k * size} moves
 * forward to the first byte after a newline, so no line is lost or read twice; boundaries that collapse (a line
 * longer than a partition, more partitions than lines) leave no empty partition. Files ending in {@code .gz} are
 * one partition. Blocking IO: call it from a worker thread.
 */
public final class FilePartitioner {

  /** Partitions per worker in the automatic size: several, for balance and progress. */
  static final int PARTITIONS_PER_WORKER = 4;
  static final long MIN_AUTO_BYTES = 1L << 20;
  static final long MAX_AUTO_BYTES = 64L << 20;

  private FilePartitioner() {
  }

  /** The automatic partition size: about four partitions per worker, between 1 MiB and 64 MiB. */
  public static long autoPartitionBytes(long fileSize, int workers) {
    long target = fileSize / (Math.max(1, workers) * (long) PARTITIONS_PER_WORKER) + 1;
    return Math.max(MIN_AUTO_BYTES, Math.min(MAX_AUTO_BYTES, target));
  }

  public static boolean isGzip(Path file) {
    return file.getFileName().toString().endsWith(".gz");
  }

  /** {@code partitionBytes} 0 means {@link #autoPartitionBytes}. */
  public static List<FilePartition> split(Path file, long partitionBytes, int workers) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      List<FilePartition> out = new ArrayList<>();
      if (isGzip(file)) {
        out.add(new FilePartition(0, 0, size, true));
        return out;
      }
      long step = partitionBytes > 0 ? partitionBytes : autoPartitionBytes(size, workers);
      ByteBuffer probe = ByteBuffer.allocate(64 * 1024);
      long start = 0;
      while (start < size) {
        long nominal = start + step;
        long end = nominal >= size ? size : nextLineStart(ch, nominal, size, probe);
        out.add(new FilePartition(out.size(), start, end, false));
        start = end;
      }
      return out;
    }
  }

  /** The first position {@code p >= from} that starts a line (the byte before is a newline), or {@code size}. */
  static long nextLineStart(FileChannel ch, long from, long size, ByteBuffer probe) throws IOException {
    long pos = from - 1; // the byte before 'from' decides whether 'from' starts a line
    while (pos < size) {
      probe.clear();
      int n = ch.read(probe, pos);
      if (n <= 0) {
        return size;
      }
      byte[] a = probe.array();
      for (int i = 0; i < n; i++) {
        if (a[i] == '\n') {
          return pos + i + 1;
        }
      }
      pos += n;
    }
    return size;
  }
}
