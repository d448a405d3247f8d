package dev.storefront.jobs;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextTokenizerTest {

  private static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    TextTokenizer.tokenize(text, out::add);
    return out;
  }

  @Test
  @DisplayName("text is lower-cased and split on everything but letters and inner apostrophes")
  void splits() {
    assertEquals(List.of("great", "shoes", "don't", "buy", "if", "you're", "m", "tall"),
        words("Great shoes!!! Don't buy (if you're 2m tall)..."));
    assertEquals(List.of("quoted", "rock'n'roll", "it's"), words("'quoted' rock'n'roll it’s"));
    assertEquals(List.of(), words(" 123 -- '' ' ?"));
  }

  @Test
  @DisplayName("Unicode letters count as letters and are lower-cased")
  void unicode() {
    assertEquals(List.of("café", "très", "über", "日本語"), words("CAFÉ très-Über, 日本語!"));
  }
}
