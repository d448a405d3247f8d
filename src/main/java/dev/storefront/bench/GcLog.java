package dev.storefront.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's peak heap use, from its unified GC log ({@link #option}): with a stop-the-world collector (Serial here,
 * G1's young pauses in a fresh JVM) the heap only grows between collections, so its peak is the largest "before"
 * of a collection ({@code 21M->11M(388M)}) or the heap in use at exit ({@code gc+heap+exit}), whichever is larger.
 * (G1's concurrent cycles free nothing between pauses, so they do not hide a peak.)
 */
final class GcLog {

  private static final Pattern PAUSE = Pattern.compile("\\bPause .* (\\d+)([KMG])->\\d+[KMG]\\(\\d+[KMG]\\)");
  /** Heap lines of the exit summary: Serial's generations, or G1's heap; not Metaspace or class space. */
  private static final Pattern EXIT_USED = Pattern.compile("\\[gc,heap,exit\\s*\\]\\s+(?:\\w+ )*(?:generation|garbage-first heap)\\s+total \\d+K, used (\\d+)K");

  private GcLog() {
  }

  /** The JVM option that writes the log this class reads; {@code %p} in the file name becomes the JVM's pid. */
  static String option(Path file) {
    return "-Xlog:gc,gc+heap+exit:file=" + file;
  }

  /** The peak heap use in MB, or null when the log says nothing of the heap (missing, or the JVM was killed). */
  static Long peakHeapMb(Path log) throws IOException {
    return Files.isRegularFile(log) ? peakHeapMb(Files.readAllLines(log)) : null;
  }

  static Long peakHeapMb(List<String> lines) {
    long peakKb = -1;
    long exitKb = 0;
    boolean exited = false;
    for (String line : lines) {
      Matcher pause = PAUSE.matcher(line);
      if (pause.find()) {
        peakKb = Math.max(peakKb, kb(Long.parseLong(pause.group(1)), pause.group(2)));
        continue;
      }
      Matcher used = EXIT_USED.matcher(line);
      if (used.find()) {
        exitKb += Long.parseLong(used.group(1));
        exited = true;
      }
    }
    if (exited) {
      peakKb = Math.max(peakKb, exitKb);
    }
    return peakKb < 0 ? null : (peakKb + 1023) / 1024;
  }

  private static long kb(long value, String unit) {
    return switch (unit) {
      case "G" -> value << 20;
      case "M" -> value << 10;
      default -> value;
    };
  }
}
