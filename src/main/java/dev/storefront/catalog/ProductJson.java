package dev.storefront.catalog;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.nio.charset.StandardCharsets;

/**
 * Row-to-JSON for the hot path: a product with its SKUs written straight into one buffer, no intermediate
 * StringBuilder or String (a profile of GET /products/{id} had the builder's growth and copies as a visible cost).
 */
public final class ProductJson {

  private ProductJson() {
  }

  /** The brand id of the product in {@code rows} (rows of PRODUCT_WITH_SKUS or of PRODUCT_HEADER). */
  public static int brandId(RowSet<Row> rows) {
    return rows.iterator().next().getInteger(2);
  }

  /**
   * The product in {@code rows}: rows of {@link CatalogSql#PRODUCT_WITH_SKUS} (one per SKU), or the single row of
   * {@link CatalogSql#PRODUCT_HEADER} for a product without SKUs. Null when {@code rows} is empty.
   */
  public static Buffer product(RowSet<Row> rows, String brandName) {
    int n = rows.size();
    if (n == 0) {
      return null;
    }
    Buffer b = Buffer.buffer(128 + 56 * n); // written in place: no StringBuilder, no String, no second copy
    boolean first = true;
    for (Row row : rows) {
      if (first) {
        b.appendBytes(PRODUCT_ID);
        number(b, row.getInteger(0));
        b.appendBytes(NAME);
        string(b, row.getString(1));
        b.appendBytes(BRAND_ID);
        number(b, row.getInteger(2));
        b.appendBytes(NAME);
        string(b, brandName);
        b.appendBytes(SKUS);
        if (row.size() < 6) {
          break; // the product header: no SKUs
        }
      } else {
        b.appendByte((byte) ',');
      }
      b.appendBytes(SKU_ID);
      number(b, row.getInteger(3));
      b.appendBytes(COLOR);
      string(b, row.getString(4));
      b.appendBytes(SIZE);
      string(b, row.getString(5));
      b.appendByte((byte) '}');
      first = false;
    }
    return b.appendByte((byte) ']').appendByte((byte) '}');
  }

  private static final byte[] PRODUCT_ID = ascii("{\"productId\":");
  private static final byte[] NAME = ascii(",\"name\":");
  private static final byte[] BRAND_ID = ascii(",\"brand\":{\"brandId\":");
  private static final byte[] SKUS = ascii("},\"skus\":[");
  private static final byte[] SKU_ID = ascii("{\"skuId\":");
  private static final byte[] COLOR = ascii(",\"color\":");
  private static final byte[] SIZE = ascii(",\"size\":");

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Appends an int's decimal digits. */
  private static void number(Buffer b, Integer boxed) {
    int v = boxed;
    if (v < 0) {
      if (v == Integer.MIN_VALUE) {
        b.appendString(Integer.toString(v));
        return;
      }
      b.appendByte((byte) '-');
      v = -v;
    }
    int div = 1;
    while (div <= v / 10) {
      div *= 10;
    }
    for (; div > 0; div /= 10) {
      b.appendByte((byte) ('0' + v / div % 10));
    }
  }

  /** Appends a JSON string literal in UTF-8; a string with nothing to escape (the usual case) is written as it is. */
  static void string(Buffer b, String s) {
    if (s == null) {
      b.appendString("null");
      return;
    }
    for (int i = 0, len = s.length(); i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\') {
        StringBuilder sb = new StringBuilder(len + 8);
        string(sb, s);
        b.appendString(sb.toString());
        return;
      }
    }
    b.appendByte((byte) '"').appendString(s).appendByte((byte) '"');
  }

  /** Appends a JSON string literal (RFC 8259 escaping). */
  static void string(StringBuilder sb, String s) {
    if (s == null) {
      sb.append("null");
      return;
    }
    sb.append('"');
    for (int i = 0, len = s.length(); i < len; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        case '\n': sb.append("\\n"); break;
        case '\r': sb.append("\\r"); break;
        case '\t': sb.append("\\t"); break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }
}
