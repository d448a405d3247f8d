package dev.storefront.catalog;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

/**
 * Row-to-JSON for the hot path: a product with its SKUs written straight into one buffer, no intermediate
 * objects. Column positions follow {@link CatalogSql#PRODUCT_DETAIL}.
 */
public final class ProductJson {

  private ProductJson() {
  }

  /** Null when the row set is empty (no such product). */
  public static Buffer product(RowSet<Row> rows) {
    int n = rows.size();
    if (n == 0) {
      return null;
    }
    StringBuilder sb = new StringBuilder(96 + 48 * n);
    boolean first = true;
    for (Row row : rows) {
      if (first) {
        sb.append("{\"productId\":").append(row.getInteger(0))
            .append(",\"name\":");
        string(sb, row.getString(1));
        sb.append(",\"brand\":{\"brandId\":").append(row.getInteger(2)).append(",\"name\":");
        string(sb, row.getString(3));
        sb.append("},\"skus\":[");
      }
      Integer skuId = row.getInteger(4);
      if (skuId != null) {
        if (!first) {
          sb.append(',');
        }
        sb.append("{\"skuId\":").append(skuId.intValue()).append(",\"color\":");
        string(sb, row.getString(5));
        sb.append(",\"size\":");
        string(sb, row.getString(6));
        sb.append('}');
      }
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
