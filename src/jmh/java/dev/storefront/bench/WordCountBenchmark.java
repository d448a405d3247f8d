package dev.storefront.bench;

import dev.storefront.jobs.NgramGenerator;
import dev.storefront.jobs.NgramLineParser;
import dev.storefront.jobs.TextTokenizer;
import dev.storefront.jobs.WordCounts;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;

/**
 * The map step's hot paths, in memory: 1-gram line parsing into byte-keyed counts (a generated 200,000-line
 * block, about 3.3 MB: divide its size by the time for MB/s) and feedback tokenizing (one typical review).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WordCountBenchmark {

  byte[] ngrams;
  String review;

  @Setup
  public void generate() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NgramGenerator.write(200_000, 7, out);
    ngrams = out.toByteArray();
    review = "Great quality, it's soft and the color didn't fade after washing. Fits a little small; "
        + "I'd order one size up. The café-style collar looks better than the picture!";
  }

  @Benchmark
  public long parseNgrams200kLines() {
    WordCounts counts = new WordCounts(1 << 14);
    NgramLineParser parser = new NgramLineParser(counts);
    parser.parse(ngrams, 0, ngrams.length);
    parser.finish();
    return counts.total();
  }

  @Benchmark
  public void tokenizeReview(Blackhole bh) {
    TextTokenizer.tokenize(review, bh::consume);
  }
}
