package dev.storefront.bench;

import dev.storefront.db.DatabaseUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The bench tests' own database {@code sf_bench_test} on the test PostgreSQL (env STOREFRONT_TEST_DB_URL, else
 * postgres on 127.0.0.1:5432): the schema plus one brand and product 100 with {@link #SKUS} SKUs.
 */
final class BenchTestDatabase {

  static final String NAME = "sf_bench_test";
  static final int SKUS = 6;

  private BenchTestDatabase() {
  }

  static DatabaseUrl server() {
    String env = System.getenv("STOREFRONT_TEST_DB_URL");
    return DatabaseUrl.parse(env == null || env.isBlank() ? "postgresql://postgres@127.0.0.1:5432/postgres" : env);
  }

  /** Creates (idempotently) and fills the database; returns its URL. */
  static String create(Vertx vertx) throws Exception {
    DatabaseUrl admin = server();
    PgConnection a = await(PgConnection.connect(vertx, admin.connectOptions()));
    try {
      await(a.query("CREATE DATABASE " + NAME).execute());
    } catch (Exception e) {
      if (!(e.getCause() instanceof PgException pg && "42P04".equals(pg.getSqlState()))) {
        throw e;
      }
    } finally {
      await(a.close());
    }
    DatabaseUrl url = admin.withDatabase(NAME);
    PgConnection c = await(PgConnection.connect(vertx, url.connectOptions()));
    try (InputStream in = BenchTestDatabase.class.getResourceAsStream("/db/schema.sql")) {
      await(c.query("SET client_min_messages = warning; " + new String(in.readAllBytes(), StandardCharsets.UTF_8)).execute());
      await(c.query("INSERT INTO brand (brand_id, brand_name) VALUES (1, 'Bench brand') ON CONFLICT DO NOTHING;"
          + " INSERT INTO product (product_id, product_name, brand_id) VALUES (100, 'Bench product', 1) ON CONFLICT DO NOTHING;"
          + " INSERT INTO product_color (product_color_id, product_color_name) VALUES (1, 'red') ON CONFLICT DO NOTHING;"
          + " INSERT INTO product_size (product_size_id, product_size_name) VALUES (1, 'M') ON CONFLICT DO NOTHING;"
          + " INSERT INTO sku (sku_id, product_id, product_size_id, product_color_id)"
          + "   SELECT g, 100, 1, 1 FROM generate_series(1, " + SKUS + ") AS g ON CONFLICT DO NOTHING").execute());
    } finally {
      await(c.close());
    }
    return url.uri();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
