package dev.storefront.db;

import dev.storefront.catalog.ProductRepository;
import dev.storefront.config.Settings;
import dev.storefront.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fresh-machine path: no db.url, so Storefront starts its embedded PostgreSQL, initialises it and queries it. */
@ExtendWith(VertxExtension.class)
@Tag("database")
class EmbeddedDefaultTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("with no database configured, the embedded PostgreSQL starts, gets the sample data once, and answers product queries")
  void embeddedEndToEnd(Vertx vertx) throws Exception {
    Settings settings = Settings.defaults().with("db.embeddedDir", dir.resolve("pg").toString());
    try (Database db = Database.open(settings)) {
      assertTrue(db.embedded());
      assertTrue(db.init().loaded().get("sku"), "first start loads the catalog");
      ProductRepository repo = new ProductRepository(vertx, settings.with("db.url", db.url().uri()).with("db.failFast", true));
      long skus = await(repo.start().compose(v -> repo.productDetail(100)).map(rows -> (long) rows.size()));
      assertEquals(100, skus);
      await(repo.close());
    }
    try (Database again = Database.open(settings)) {
      assertFalse(again.init().loaded().containsValue(true), "second start reuses the data directory: nothing reloaded");
      assertEquals(100_000, TestDatabase.queryLong(again.url(), "SELECT count(*) FROM sku"));
    }
  }
}
