package dev.storefront.jobs;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NgramGeneratorTest {

  private static byte[] generate(long lines, long seed) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NgramGenerator.write(lines, seed, out);
    return out.toByteArray();
  }

  @Test
  @DisplayName("the same lines and seed give the same bytes; another seed gives others")
  void deterministic() throws IOException {
    assertArrayEquals(generate(50_000, 3), generate(50_000, 3));
    assertFalse(Arrays.equals(generate(50_000, 3), generate(50_000, 4)));
  }

  @Test
  @DisplayName("exactly N well-formed lines, grouped by word, years ascending, about 16 bytes a line, with variants")
  void shape() throws IOException {
    byte[] bytes = generate(200_000, 1);
    String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
    assertEquals(200_000, lines.length);
    double perLine = bytes.length / 200_000.0;
    assertTrue(perLine > 13 && perLine < 19, "bytes per line " + perLine);
    Set<String> finished = new HashSet<>();
    String current = null;
    int lastYear = 0;
    boolean capitalised = false;
    boolean tagged = false;
    boolean nonAscii = false;
    for (String line : lines) {
      String[] f = line.split("\t");
      assertEquals(4, f.length, line);
      int year = Integer.parseInt(f[1]);
      assertTrue(Long.parseLong(f[2]) >= 1 && Long.parseLong(f[3]) >= 1, line);
      assertTrue(year >= 1500 && year <= 2008, line);
      if (!f[0].equals(current)) {
        assertTrue(finished.add(f[0]), "word " + f[0] + " appears in two groups");
        current = f[0];
      } else {
        assertTrue(year > lastYear, "years ascending in " + f[0]);
      }
      lastYear = year;
      capitalised |= Character.isUpperCase(f[0].charAt(0));
      tagged |= f[0].endsWith("_NOUN") || f[0].endsWith("_VERB");
      nonAscii |= f[0].chars().anyMatch(c -> c > 127);
    }
    assertTrue(capitalised && tagged && nonAscii);
  }
}
