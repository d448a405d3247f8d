package dev.storefront.jobs;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Splits feedback text into words: lower-cased, split on anything that is not a (Unicode) letter or an apostrophe
 * inside a word. Apostrophes ({@code '} and the typographic {@code ’}, which becomes {@code '}) at the start or end of
 * a word are dropped, so {@code 'Great'} is {@code great} and {@code don't} stays {@code don't}.
 */
public final class TextTokenizer {

  private TextTokenizer() {
  }

  public static void tokenize(String text, Consumer<String> words) {
    int n = text.length();
    StringBuilder word = new StringBuilder();
    int i = 0;
    while (i <= n) {
      int cp = i < n ? text.codePointAt(i) : ' ';
      if (Character.isLetter(cp)) {
        word.appendCodePoint(cp);
      } else if (cp == '\'' || cp == '\u2019') {
        if (word.length() > 0) {
          word.append('\'');
        }
      } else if (word.length() > 0) {
        emit(word, words);
      }
      i += Character.charCount(cp);
    }
  }

  private static void emit(StringBuilder word, Consumer<String> words) {
    int end = word.length();
    while (end > 0 && word.charAt(end - 1) == '\'') {
      end--;
    }
    if (end > 0) {
      words.accept(word.substring(0, end).toLowerCase(Locale.ROOT));
    }
    word.setLength(0);
  }
}
