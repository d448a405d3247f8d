package dev.storefront.db;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The deterministic sample catalog: the same rows on every machine (fixed seeds, SplittableRandom's specified
 * algorithm). Rows are produced as PostgreSQL COPY text lines.
 */
public final class SampleData {

  public static final int BRANDS = 100;
  public static final int PRODUCTS = 1_000;
  public static final int SKUS = 100_000;
  public static final int FEEDBACK = 200_000;
  public static final String[] COLORS = {"Blue", "Black"};
  public static final String[] SIZES = {"Small", "Medium", "Large"};

  private static final String[] BRAND_FIRST = {
      "North", "Blue", "Iron", "Silver", "Maple", "Harbor", "Summit", "Cedar", "Golden", "River"};
  private static final String[] BRAND_SECOND = {
      "Wind", "Stone", "Peak", "Field", "Brook", "Ridge", "Crest", "Vale", "Forge", "Line"};
  private static final String[] ADJECTIVES = {
      "Classic", "Modern", "Everyday", "Premium", "Rugged", "Light", "Slim", "Relaxed", "Vintage", "Urban",
      "Coastal", "Alpine", "Soft", "Tailored", "Essential", "Heritage", "Active", "Travel", "Weekend", "Studio"};
  private static final String[] MATERIALS = {
      "Cotton", "Linen", "Wool", "Denim", "Leather", "Canvas", "Fleece", "Silk", "Cashmere", "Corduroy"};
  private static final String[] NOUNS = {
      "Shirt", "Jacket", "Sweater", "Trousers", "Shorts", "Coat", "Hoodie", "Scarf", "Cap", "Dress",
      "Skirt", "Vest", "Blazer", "Parka", "Cardigan"};

  /** Feedback vocabulary, most frequent first; sampled with a Zipf-like skew. Includes contractions and non-ASCII words. */
  static final String[] VOCABULARY = (
      "the and a to it i is this for of was in my with but not very on fit that size great "
      + "quality love color it's so too as good would they be fabric after have like i'm small large "
      + "wash just well don't comfortable nice really one are perfect bought also than more or "
      + "looks soft what little at fits material wear return price all wore can out ordered first "
      + "day again buy recommend because these will much product shirt jacket expected arrived "
      + "time could up feel only were beautiful sleeves received length store worth happy "
      + "disappointed short long light heavy warm thin thick cheap stitching button zipper "
      + "pocket collar seam shrank faded stretched delivery packaging exactly described picture "
      + "darker lighter brighter tight loose snug medium black blue favorite gift husband wife "
      + "daughter son winter summer spring autumn rain wind daily office weekend travel hiking "
      + "can't won't isn't didn't doesn't wasn't couldn't you've we're they're "
      + "excellent terrible awesome okay decent amazing horrible fine superb mediocre "
      + "café naïve señor façade résumé über"
  ).split(" ");

  private static final double[] CUMULATIVE = zipf(VOCABULARY.length, 1.07);

  private SampleData() {
  }

  public static void brands(Consumer<String> out) {
    for (int i = 1; i <= BRANDS; i++) {
      int a = (i - 1) % BRAND_FIRST.length;
      int b = (i - 1) / BRAND_FIRST.length % BRAND_SECOND.length;
      out.accept(i + "\t" + BRAND_FIRST[a] + BRAND_SECOND[b].toLowerCase() + " " + (i % 3 == 0 ? "Outfitters" : i % 3 == 1 ? "Apparel" : "Co."));
    }
  }

  public static void products(Consumer<String> out) {
    SplittableRandom rnd = new SplittableRandom(2024);
    for (int i = 1; i <= PRODUCTS; i++) {
      String name = ADJECTIVES[rnd.nextInt(ADJECTIVES.length)] + " " + MATERIALS[rnd.nextInt(MATERIALS.length)]
          + " " + NOUNS[rnd.nextInt(NOUNS.length)];
      int brand = 1 + rnd.nextInt(BRANDS);
      out.accept(i + "\t" + name + "\t" + brand);
    }
  }

  public static void colors(Consumer<String> out) {
    for (int i = 0; i < COLORS.length; i++) {
      out.accept((i + 1) + "\t" + COLORS[i]);
    }
  }

  public static void sizes(Consumer<String> out) {
    for (int i = 0; i < SIZES.length; i++) {
      out.accept((i + 1) + "\t" + SIZES[i]);
    }
  }

  /** 100 SKUs per product: SKU i belongs to product ((i - 1) mod 1000) + 1. */
  public static void skus(Consumer<String> out) {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 1; i <= SKUS; i++) {
      int product = (i - 1) % PRODUCTS + 1;
      out.accept(i + "\t" + product + "\t" + (1 + rnd.nextInt(SIZES.length)) + "\t" + (1 + rnd.nextInt(COLORS.length)));
    }
  }

  /** Feedback rows: English-like sentences from a skewed vocabulary, one per minute from 2024-01-01. */
  public static void feedback(Consumer<String> out) {
    SplittableRandom rnd = new SplittableRandom(99);
    long base = 1704067200L; // 2024-01-01T00:00:00Z
    StringBuilder body = new StringBuilder(256);
    for (int i = 1; i <= FEEDBACK; i++) {
      int product = 1 + rnd.nextInt(PRODUCTS);
      body.setLength(0);
      int words = 4 + rnd.nextInt(30);
      for (int w = 0; w < words; w++) {
        String word = VOCABULARY[pick(rnd.nextDouble())];
        if (w == 0) {
          body.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
        } else {
          body.append(word);
        }
        if (w == words - 1) {
          body.append(rnd.nextInt(4) == 0 ? "!" : ".");
        } else {
          body.append(rnd.nextInt(9) == 0 ? ", " : " ");
        }
      }
      out.accept(i + "\t" + product + "\t" + body + "\t" + java.time.Instant.ofEpochSecond(base + 60L * i));
    }
  }

  static int pick(double u) {
    int i = Arrays.binarySearch(CUMULATIVE, u);
    return Math.min(i >= 0 ? i : -i - 1, CUMULATIVE.length - 1);
  }

  private static double[] zipf(int n, double s) {
    double[] c = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1.0 / Math.pow(k + 1, s);
      c[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      c[k] /= sum;
    }
    return c;
  }
}
