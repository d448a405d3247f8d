package dev.storefront.jobs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Writes a deterministic file in the Google Books 1-gram format for tests and benchmarks: grouped by word, years
 * ascending within a word, Zipf-like match counts (a word's weight falls with its rank), word lengths from 2 to
 * about 12 characters built from syllables, some capitalised variants, {@code _NOUN}/{@code _VERB}/{@code _ADJ}
 * tagged variants and a few non-ASCII words. About 16 bytes a line. The same lines and seed give the same bytes.
 */
public final class NgramGenerator {

  private static final String[] SYLLABLES = buildSyllables();
  private static final String[] TAGS = {"_NOUN", "_VERB", "_ADJ"};
  private static final int FIRST_YEAR = 1500;
  private static final int LAST_YEAR = 2008;

  private NgramGenerator() {
  }

  private static String[] buildSyllables() {
    String consonants = "bcdfghklmnprstvwz";
    String vowels = "aeiou";
    String[] s = new String[consonants.length() * vowels.length() + 3];
    int i = 0;
    for (char c : consonants.toCharArray()) {
      for (char v : vowels.toCharArray()) {
        s[i++] = "" + c + v;
      }
    }
    s[i++] = "é";
    s[i++] = "ö";
    s[i] = "'s";
    return s;
  }

  /** Writes {@code lines} lines to {@code out} (buffer it yourself or not: writes go in 64 KiB blocks). */
  public static void write(long lines, long seed, OutputStream out) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] buf = new byte[1 << 16];
    int p = 0;
    long written = 0;
    long rank = 0;
    byte[] word = new byte[64];
    while (written < lines) {
      rank++;
      int len = baseWord(rank, word);
      // variants of the base word, each its own group
      int variants = 1 + (random.nextInt(8) == 0 ? 1 : 0) + (random.nextInt(6) == 0 ? 1 : 0);
      for (int v = 0; v < variants && written < lines; v++) {
        int wl = len;
        if (v == 1) {
          if (word[0] < 'a' || word[0] > 'z') {
            continue; // no capital for a word starting with a non-ASCII letter or an apostrophe
          }
          word[0] = (byte) (word[0] - 'a' + 'A');
        } else if (v == 2) {
          byte[] tag = TAGS[random.nextInt(TAGS.length)].getBytes(StandardCharsets.US_ASCII);
          System.arraycopy(tag, 0, word, len, tag.length);
          wl = len + tag.length;
        }
        double weight = 2_000_000.0 / rank;
        int years = 1 + (int) Math.min(LAST_YEAR - FIRST_YEAR, Math.abs(random.nextGaussian()) * 40 + weight / 2_000);
        int year = LAST_YEAR - years - random.nextInt(Math.max(1, LAST_YEAR - FIRST_YEAR - years));
        for (int y = 0; y < years && written < lines; y++) {
          year += 1;
          if (year > LAST_YEAR) {
            break;
          }
          if (p + wl + 64 > buf.length) {
            out.write(buf, 0, p);
            p = 0;
          }
          long match = 1 + (long) (random.nextDouble() * random.nextDouble() * weight / 20);
          long volumes = 1 + (long) (random.nextDouble() * Math.min(match, 40));
          System.arraycopy(word, 0, buf, p, wl);
          p += wl;
          buf[p++] = '\t';
          p = putDecimal(buf, p, year);
          buf[p++] = '\t';
          p = putDecimal(buf, p, match);
          buf[p++] = '\t';
          p = putDecimal(buf, p, volumes);
          buf[p++] = '\n';
          written++;
        }
      }
    }
    out.write(buf, 0, p);
    out.flush();
  }

  /** The rank-th word, from syllables (rank in mixed radix): unique for each rank. */
  private static int baseWord(long rank, byte[] into) {
    int p = 0;
    long r = rank;
    do {
      byte[] s = SYLLABLES[(int) (r % SYLLABLES.length)].getBytes(StandardCharsets.UTF_8);
      System.arraycopy(s, 0, into, p, s.length);
      p += s.length;
      r /= SYLLABLES.length;
    } while (r > 0);
    return p;
  }

  private static int putDecimal(byte[] b, int p, long v) {
    if (v < 10) {
      b[p] = (byte) ('0' + v);
      return p + 1;
    }
    int digits = 0;
    for (long t = v; t > 0; t /= 10) {
      digits++;
    }
    for (int i = p + digits - 1; i >= p; i--) {
      b[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    return p + digits;
  }
}
