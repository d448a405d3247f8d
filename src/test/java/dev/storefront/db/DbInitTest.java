package dev.storefront.db;

import dev.storefront.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Tag("database")
class DbInitTest {

  private static DatabaseUrl url;
  private static DbInit.Report first;

  @BeforeAll
  static void init() {
    url = TestDatabase.fresh("sf_dbinit_test");
    first = DbInit.run(url);
  }

  @Test
  @DisplayName("db init loads the sample catalog: 100 brands, 1,000 products, 100,000 SKUs, 200,000 feedback rows")
  void loadsSampleData() {
    assertEquals(Map.of("brand", 100L, "product", 1000L, "product_color", 2L, "product_size", 3L,
        "sku", 100_000L, "customer_feedback", 200_000L), first.counts());
    assertTrue(first.loaded().values().stream().allMatch(b -> b));
    assertEquals(100, TestDatabase.queryLong(url, "SELECT count(*) FROM sku WHERE product_id = 100"));
    assertEquals(1000, TestDatabase.queryLong(url, "SELECT count(DISTINCT product_id) FROM sku"));
  }

  @Test
  @DisplayName("db init run again changes nothing: same counts, nothing loaded, new rows keep their serial ids")
  void idempotent() {
    DbInit.Report again = DbInit.run(url);
    assertEquals(first.counts(), again.counts());
    assertFalse(again.loaded().containsValue(true));
    assertEquals(1001, TestDatabase.queryLong(url,
        "WITH b AS (INSERT INTO brand (brand_name) VALUES ('x') RETURNING brand_id) SELECT brand_id + 900 FROM b"));
    TestDatabase.execute(url, "DELETE FROM brand WHERE brand_id = 101");
  }

  @Test
  @DisplayName("the sample data is deterministic: the same rows on every machine")
  void deterministic() {
    // a digest over every generated row, computed by PostgreSQL; it changes if any generated value changes
    long digest = TestDatabase.queryLong(url, "SELECT ('x' || substr(md5(string_agg(p.product_name || p.brand_id, ',' ORDER BY p.product_id)), 1, 15))::bit(60)::bigint FROM product p");
    DatabaseUrl other = TestDatabase.fresh("sf_dbinit_test2");
    DbInit.run(other);
    assertEquals(digest, TestDatabase.queryLong(other, "SELECT ('x' || substr(md5(string_agg(p.product_name || p.brand_id, ',' ORDER BY p.product_id)), 1, 15))::bit(60)::bigint FROM product p"));
    assertEquals(TestDatabase.queryLong(url, "SELECT sum(length(body)) FROM customer_feedback"),
        TestDatabase.queryLong(other, "SELECT sum(length(body)) FROM customer_feedback"));
    TestDatabase.execute(TestDatabase.server(), "DROP DATABASE sf_dbinit_test2 WITH (FORCE)");
  }
}
