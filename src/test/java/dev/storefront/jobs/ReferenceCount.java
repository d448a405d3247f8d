package dev.storefront.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** The straightforward single-threaded count the tests compare jobs against: String.split on the whole file. */
final class ReferenceCount {

  final Map<String, Long> counts = new HashMap<>();
  long lines;
  long malformed;

  static ReferenceCount of(Path file) throws IOException {
    byte[] bytes;
    if (file.toString().endsWith(".gz")) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
        bytes = in.readAllBytes();
      }
    } else {
      bytes = Files.readAllBytes(file);
    }
    ReferenceCount ref = new ReferenceCount();
    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n", -1)) {
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isEmpty()) {
        continue;
      }
      ref.lines++;
      String[] f = line.split("\t", -1);
      if (f.length != 4 || f[0].isEmpty() || !digits(f[1]) || !digits(f[2]) || !digits(f[3]) || f[2].length() > 18) {
        ref.malformed++;
        continue;
      }
      ref.counts.merge(f[0], Long.parseLong(f[2]), Long::sum);
    }
    return ref;
  }

  private static boolean digits(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
