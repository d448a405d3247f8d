package dev.storefront.catalog;

/** Every catalog SQL statement, in one place, with {@code $n} parameters. Never built from input. */
public final class CatalogSql {

  private CatalogSql() {
  }

  /** The query of GET /products/{id}: one product with its SKUs, colors and sizes (a row per SKU). */
  public static final String PRODUCT_WITH_SKUS =
      "SELECT p.product_id, p.product_name, p.brand_id, s.sku_id, pc.product_color_name, ps.product_size_name"
          + " FROM product AS p"
          + " JOIN sku AS s ON s.product_id = p.product_id"
          + " JOIN product_color AS pc ON pc.product_color_id = s.product_color_id"
          + " JOIN product_size AS ps ON ps.product_size_id = s.product_size_id"
          + " WHERE p.product_id = $1";

  /**
   * A product alone with its brand's name: asked only when {@link #PRODUCT_WITH_SKUS} finds no rows, to tell a
   * product without SKUs from an absent one.
   */
  public static final String PRODUCT_HEADER =
      "SELECT p.product_id, p.product_name, p.brand_id FROM product AS p WHERE p.product_id = $1";

  /** Keyset pagination over all products. */
  public static final String PRODUCTS_PAGE =
      "SELECT p.product_id, p.product_name, p.brand_id FROM product AS p"
          + " WHERE p.product_id > $1 ORDER BY p.product_id LIMIT $2";

  /** Keyset pagination over one brand's products. */
  public static final String PRODUCTS_PAGE_OF_BRAND =
      "SELECT p.product_id, p.product_name, p.brand_id FROM product AS p"
          + " WHERE p.brand_id = $1 AND p.product_id > $2 ORDER BY p.product_id LIMIT $3";

  public static final String BRANDS =
      "SELECT brand_id, brand_name FROM brand ORDER BY brand_id";

  public static final String BRAND =
      "SELECT brand_id, brand_name FROM brand WHERE brand_id = $1";

  public static final String PING = "SELECT 1";
}
