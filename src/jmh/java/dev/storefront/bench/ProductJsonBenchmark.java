package dev.storefront.bench;

import dev.storefront.catalog.CatalogSql;
import dev.storefront.catalog.ProductJson;
import dev.storefront.db.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Row-to-JSON of {@code GET /products/{id}}: {@link ProductJson#product} over the real rows of a product with 100
 * SKUs, fetched once from PostgreSQL with {@link CatalogSql#PRODUCT_WITH_SKUS}. Needs the sample data
 * ({@code storefront db init}); database from {@code -Dstorefront.jmh.db.url} (default the local {@code storefront}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProductJsonBenchmark {

  static final String DB_URL = System.getProperty("storefront.jmh.db.url", "postgresql://postgres@127.0.0.1:5432/storefront");
  static final int PRODUCT_ID = Integer.getInteger("storefront.jmh.product", 100);

  RowSet<Row> rows;

  @Setup
  public void fetchRows() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      PgConnection conn = PgConnection.connect(vertx, DatabaseUrl.parse(DB_URL).connectOptions())
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      rows = conn.preparedQuery(CatalogSql.PRODUCT_WITH_SKUS).execute(Tuple.of(PRODUCT_ID))
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      conn.close();
    } finally {
      vertx.close();
    }
    if (rows.size() < 100) {
      throw new IllegalStateException("product " + PRODUCT_ID + " has " + rows.size() + " SKU rows in " + DB_URL
          + ", 100 expected: run storefront db init there, or set -Dstorefront.jmh.db.url");
    }
  }

  @Benchmark
  public Buffer productWith100Skus() {
    return ProductJson.product(rows, "Bench brand");
  }
}
