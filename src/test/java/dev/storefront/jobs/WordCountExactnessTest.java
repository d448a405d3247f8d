package dev.storefront.jobs;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pure map/reduce path (partitioner, byte parser, sharded map outputs, shard merges) against a straightforward
 * String.split count, on files of every awkward shape and with partition sizes from 1 byte to the whole file.
 */
class WordCountExactnessTest {

  @TempDir
  Path dir;

  private static final long[] PARTITION_SIZES = {1, 2, 7, 13, 64, 1000, 4096, 1 << 20, Long.MAX_VALUE / 4};

  /** Runs the job's pure parts: split, map every partition, merge each shard, like the coordinator. */
  static WordCountResult count(Path file, long partitionBytes, int shards) throws IOException {
    List<FilePartition> parts = FilePartitioner.split(file, partitionBytes, 2);
    List<byte[]> outputs = new ArrayList<>();
    long lines = 0;
    long malformed = 0;
    WordCounts table = new WordCounts(16); // reused from partition to partition, as a worker does
    for (FilePartition p : parts) {
      byte[] out = MapTasks.countFile(file, p, shards, table, () -> false);
      outputs.add(out);
      lines += MapOutput.lines(out);
      malformed += MapOutput.malformed(out);
    }
    WordCounts[] merged = new WordCounts[shards];
    for (int s = 0; s < shards; s++) {
      merged[s] = new WordCounts(16);
      MapOutput.mergeShardInto(merged[s], outputs.subList(0, outputs.size() / 2), s); // in two steps, as the coordinator may
      MapOutput.mergeShardInto(merged[s], outputs.subList(outputs.size() / 2, outputs.size()), s);
    }
    return new WordCountResult(merged, lines, malformed, parts.size(), 0, 0, 0);
  }

  static void assertSame(ReferenceCount ref, WordCountResult r, String what) {
    assertEquals(ref.lines, r.lines(), what + ": lines");
    assertEquals(ref.malformed, r.malformedLines(), what + ": malformed lines");
    assertEquals(ref.counts.size(), r.distinctWords(), what + ": distinct words");
    assertEquals(ref.total(), r.totalCount(), what + ": total count");
    for (Map.Entry<String, Long> e : ref.counts.entrySet()) {
      assertEquals(e.getValue().longValue(), r.count(e.getKey()), what + ": count of '" + e.getKey() + "'");
    }
  }

  private void check(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    ReferenceCount ref = ReferenceCount.of(file);
    for (long size : PARTITION_SIZES) {
      for (int shards : new int[] {1, 3, 8}) {
        assertSame(ref, count(file, size, shards), name + " with " + size + "-byte partitions and " + shards + " shards");
      }
    }
  }

  @Test
  @DisplayName("plain LF lines are counted exactly whatever the partition size, boundaries falling mid-line")
  void plainLines() throws IOException {
    check("plain.tsv", "Aardvark\t1800\t3\t1\nAardvark\t1801\t4\t2\naardvark\t1900\t10\t3\napple_NOUN\t2000\t7\t7\nzebra\t1999\t1\t1\n");
  }

  @Test
  @DisplayName("CRLF line ends are handled like LF")
  void crlf() throws IOException {
    check("crlf.tsv", "Aardvark\t1800\t3\t1\r\nAardvark\t1801\t4\t2\r\nzebra\t1999\t11\t1\r\n");
  }

  @Test
  @DisplayName("a last line without a newline is counted once")
  void noFinalNewline() throws IOException {
    check("nofinal.tsv", "a\t1\t2\t3\nb\t1\t5\t3\nb\t2\t6\t1");
    check("nofinal-crlf.tsv", "a\t1\t2\t3\r\nb\t1\t5\t3\r\nb\t2\t6\t1\r");
  }

  @Test
  @DisplayName("empty lines are skipped, neither counted nor malformed")
  void emptyLines() throws IOException {
    check("empty.tsv", "\n\na\t1\t2\t3\n\r\n\nb\t1\t5\t3\n\n");
    check("only-empty.tsv", "\n\n\r\n");
    check("nothing.tsv", "");
  }

  @Test
  @DisplayName("non-ASCII words are kept as written and counted exactly")
  void nonAscii() throws IOException {
    check("utf8.tsv", "café\t1900\t3\t1\ncafé\t1901\t4\t1\nCafé\t1900\t1\t1\nnaïve_ADJ\t1950\t9\t2\n日本\t2000\t12\t3\nÅngström\t1990\t5\t5\n");
  }

  @Test
  @DisplayName("malformed lines are counted and do not stop the job")
  void malformed() throws IOException {
    check("bad.tsv", "good\t1900\t3\t1\nno tabs here\n\t1900\t3\t1\nword\t19x0\t3\t1\nword\t1900\t\t1\nword\t1900\t3\n"
        + "word\t1900\t3\t1\textra\nword\t1900\t-3\t1\nword\t1900\t3\t1 \ngood\t1901\t4\t2\nword\t1\t1234567890123456789\t1\n");
  }

  @Test
  @DisplayName("words interleaved (not grouped) still sum correctly")
  void ungrouped() throws IOException {
    check("mixed.tsv", "a\t1\t1\t1\nb\t1\t2\t1\na\t2\t3\t1\nb\t2\t4\t1\na\t3\t5\t1\n");
  }

  @Test
  @DisplayName("a line longer than the read buffer (3 MB word) is read whole")
  void hugeLine() throws IOException {
    String longWord = "x".repeat(3 << 20);
    check("huge.tsv", "a\t1\t1\t1\n" + longWord + "\t1\t7\t1\n" + longWord + "\t2\t8\t1\nb\t1\t2\t1\n");
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 42})
  @DisplayName("a generated 1-gram file is counted exactly with automatic and odd partition sizes")
  void generated(long seed) throws IOException {
    Path file = dir.resolve("gen-" + seed + ".tsv");
    try (OutputStream out = Files.newOutputStream(file)) {
      NgramGenerator.write(60_000, seed, out);
    }
    ReferenceCount ref = ReferenceCount.of(file);
    assertEquals(60_000, ref.lines);
    for (long size : new long[] {0, 777, 65_537, Files.size(file)}) {
      assertSame(ref, count(file, size, 4), "generated, partitions of " + size);
    }
    assertTrue(FilePartitioner.split(file, 777, 2).size() > 100);
  }

  @Test
  @DisplayName("a .gz file is one partition and counted exactly")
  void gzip() throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    NgramGenerator.write(20_000, 7, raw);
    Path gz = dir.resolve("gen.tsv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(raw.toByteArray());
      out.write("tail\t1\t5\t1".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(1, FilePartitioner.split(gz, 100, 4).size());
    assertSame(ReferenceCount.of(gz), count(gz, 100, 4), "gzip");
  }

  @Test
  @DisplayName("partitions cover the file exactly: contiguous, each starting a line, none empty")
  void partitionsTileTheFile() throws IOException {
    Path file = dir.resolve("tiles.tsv");
    Files.writeString(file, "a\t1\t1\t1\n\nbb\t1\t1\t1\r\nccc\t1\t1\t1\nd\t1\t1\t1");
    byte[] b = Files.readAllBytes(file);
    for (long size = 1; size <= b.length + 1; size++) {
      List<FilePartition> parts = FilePartitioner.split(file, size, 1);
      long pos = 0;
      for (FilePartition p : parts) {
        assertEquals(pos, p.start());
        assertTrue(p.end() > p.start());
        assertTrue(p.start() == 0 || b[(int) p.start() - 1] == '\n');
        pos = p.end();
      }
      assertEquals(b.length, pos);
    }
  }

  @Test
  @DisplayName("the automatic partition size gives several partitions per worker, within bounds")
  void automaticSize() {
    assertEquals(64L << 20, FilePartitioner.autoPartitionBytes(1_800_000_000L, 2));
    long size = FilePartitioner.autoPartitionBytes(65_000_000L, 2);
    assertTrue(65_000_000L / size >= 7 && 65_000_000L / size <= 8, "size " + size);
    assertEquals(1L << 20, FilePartitioner.autoPartitionBytes(1000, 2));
  }
}
