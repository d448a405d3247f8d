package dev.storefront.jobs;

import java.util.Arrays;

/**
 * Counts a Google Books 1-gram file's lines, {@code word<TAB>year<TAB>match_count<TAB>volume_count}, straight from
 * bytes: the count of a word is the sum of its match counts; words are case-sensitive, kept as written. A line
 * ends at LF (a CR before it is dropped) or at the end of the data. Empty lines are skipped (neither counted nor
 * malformed); any other line that does not have exactly four fields, a non-empty word and decimal numbers is
 * counted as malformed and otherwise ignored. Consecutive lines of the same word (the file is grouped by word)
 * are summed before touching the hash table.
 */
public final class NgramLineParser {

  private final WordCounts counts;
  private long lines;
  private long malformed;
  /** The word of the current run of lines ({@code runBuf[0, runLen)}, none when -1), reused from run to run. */
  private byte[] runBuf = new byte[64];
  private int runLen = -1;
  private long runSum;

  public NgramLineParser(WordCounts counts) {
    this.counts = counts;
  }

  /** Parses every line in {@code b[from, to)}; the last one may end at {@code to} without a newline. */
  public void parse(byte[] b, int from, int to) {
    int p = from;
    while (p < to) {
      int ws = p;
      byte c = 0;
      boolean sameWord = false;
      int run = runLen;
      if (run >= 0 && p + run < to && b[p + run] == '\t' && Arrays.equals(runBuf, 0, run, b, p, p + run)) {
        // fast path: the file is grouped by word, so most lines repeat the previous word
        p += run;
        c = '\t';
        sameWord = true;
      } else {
        while (p < to && (c = b[p]) != '\t' && c != '\n') {
          p++;
        }
      }
      int we = p;
      if (p == to || c == '\n') {
        // one field only: empty line or malformed
        int end = we > ws && b[we - 1] == '\r' ? we - 1 : we;
        if (end > ws) {
          lines++;
          malformed++;
        }
        p++;
        continue;
      }
      lines++;
      p++; // tab after word
      // year
      int digits = 0;
      while (p < to && (c = b[p]) >= '0' && c <= '9') {
        p++;
        digits++;
      }
      if (digits == 0 || p == to || c != '\t' || we == ws) {
        p = skipLine(b, p, to);
        continue;
      }
      p++;
      long match = 0;
      digits = 0;
      while (p < to && (c = b[p]) >= '0' && c <= '9') {
        match = match * 10 + (c - '0');
        p++;
        digits++;
      }
      if (digits == 0 || digits > 18 || p == to || c != '\t') {
        p = skipLine(b, p, to);
        continue;
      }
      p++;
      digits = 0;
      while (p < to && (c = b[p]) >= '0' && c <= '9') {
        p++;
        digits++;
      }
      if (p < to && c == '\r' && (p + 1 == to || b[p + 1] == '\n')) {
        p++;
        c = p < to ? b[p] : 0;
      }
      if (digits == 0 || (p < to && c != '\n')) {
        p = skipLine(b, p, to);
        continue;
      }
      p++; // newline (or past the end)
      if (sameWord) {
        runSum += match;
      } else {
        count(b, ws, we, match);
      }
    }
  }

  private int skipLine(byte[] b, int p, int to) {
    malformed++;
    while (p < to && b[p] != '\n') {
      p++;
    }
    return p + 1;
  }

  private void count(byte[] b, int ws, int we, long match) {
    int len = we - ws;
    if (runLen == len && Arrays.equals(runBuf, 0, len, b, ws, we)) {
      runSum += match;
      return;
    }
    flushRun();
    if (runBuf.length < len) {
      runBuf = new byte[Math.max(len, runBuf.length * 2)];
    }
    System.arraycopy(b, ws, runBuf, 0, len);
    runLen = len;
    runSum = match;
  }

  private void flushRun() {
    if (runLen >= 0) {
      counts.add(runBuf, 0, runLen, WordCounts.hash(runBuf, 0, runLen), runSum);
      runLen = -1;
    }
  }

  /** Adds the pending run of the last word; call once at the end of the input. */
  public void finish() {
    flushRun();
  }

  /** Non-empty lines seen, malformed ones included. */
  public long lines() {
    return lines;
  }

  public long malformed() {
    return malformed;
  }
}
