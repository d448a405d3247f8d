package dev.storefront.jobs;

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
  /** The word of the current run of lines, {@code runBuf[0, runLen)}, reused from run to run. */
  private byte[] runBuf = new byte[256];
  private int runLen;
  private long runSum;
  /**
   * Where the current run is added when the next word starts: a scratch table until the first word, then
   * {@link #counts}. The start of a partition is then not a special case in the hot loop: a branch that the JIT
   * never saw taken while it profiled the first partition made it throw away its compiled parser at the start of
   * the next one, several times a job.
   */
  private WordCounts runTarget = new WordCounts(1);

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
      if (p + run < to && b[p + run] == '\t' && sameBytes(runBuf, b, p, run)) {
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

  /**
   * Whether {@code b[p, p+len)} holds the bytes of {@code word[0, len)}. A plain loop: {@code Arrays.equals} on
   * words of a few bytes goes through an intrinsic whose branches for short and long lengths each cost a
   * recompilation of the parser the first time they are taken.
   */
  private static boolean sameBytes(byte[] word, byte[] b, int p, int len) {
    for (int i = 0; i < len; i++) {
      if (word[i] != b[p + i]) {
        return false;
      }
    }
    return true;
  }

  private void count(byte[] b, int ws, int we, long match) {
    int len = we - ws;
    if (runLen == len && sameBytes(runBuf, b, ws, len)) {
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
    runTarget.add(runBuf, 0, runLen, WordCounts.hash(runBuf, 0, runLen), runSum);
    runTarget = counts;
  }

  /** Adds the pending run of the last word; call once at the end of the input. */
  public void finish() {
    flushRun();
    runTarget = new WordCounts(1); // nothing pending: a second call adds nothing to the counts
  }

  /** Non-empty lines seen, malformed ones included. */
  public long lines() {
    return lines;
  }

  public long malformed() {
    return malformed;
  }
}
