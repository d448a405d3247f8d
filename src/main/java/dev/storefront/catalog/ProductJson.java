package dev.storefront.catalog;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

/**
 * Row-to-JSON for the hot path: a product with its SKUs written straight into one buffer, no intermediate
 * objects.
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
    StringBuilder sb = new StringBuilder(128 + 48 * n);
    boolean first = true;
    for (Row row : rows) {
      if (first) {
        sb.append("{\"productId\":").append(row.getInteger(0).intValue()).append(",\"name\":");
        string(sb, row.getString(1));
        sb.append(",\"brand\":{\"brandId\":").append(row.getInteger(2).intValue()).append(",\"name\":");
        string(sb, brandName);
        sb.append("},\"skus\":[");
        if (row.size() < 6) {
          break; // the product header: no SKUs
        }
      } else {
        sb.append(',');
      }
      sb.append("{\"skuId\":").append(row.getInteger(3).intValue()).append(",\"color\":");
      string(sb, row.getString(4));
      sb.append(",\"size\":");
      string(sb, row.getString(5));
      sb.append('}');
      first = false;
    }
    sb.append("]}");
    return Buffer.buffer(sb.toString());
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
