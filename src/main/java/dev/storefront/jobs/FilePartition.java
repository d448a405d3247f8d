package dev.storefront.jobs;

/**
 * One map task's share of a file: the lines that start in {@code [start, end)}. The partitioner puts {@code start}
 * and {@code end} on line starts (or the end of the file), so a partition is whole lines. A gzip file is one
 * partition ({@code gzip} true, the range is the compressed file) because it cannot be entered mid-stream.
 */
public record FilePartition(int index, long start, long end, boolean gzip) {

  public long length() {
    return end - start;
  }
}
