package dev.storefront.coordination;

import dev.storefront.config.Settings;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fenced inventory rows in PostgreSQL ({@code db.url}), through the node's shared pool
 * {@value #POOL_NAME} of {@code db.poolSize} connections. PostgreSQL itself refuses a write whose token is not
 * newer than the row's fence ({@link InventorySql#FENCED_WRITE}), so the check and the write are one statement.
 */
final class InventoryStore {

  static final String POOL_NAME = "storefront-inventory";
  private static final String UNDEFINED_TABLE = "42P01";
  private static final Logger LOG = LoggerFactory.getLogger(InventoryStore.class);

  /** The outcome of a fenced write: the row written, or the row that refused it. */
  record Write(boolean written, JsonObject row) {
  }

  private final Pool pool;

  InventoryStore(Vertx vertx, Settings settings) {
    this.pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(settings.integer("db.poolSize")).setShared(true).setName(POOL_NAME))
        .connectingTo(DatabaseUrl.parse(settings.string("db.url")).connectOptions())
        .using(vertx)
        .build();
  }

  /** Writes {@code quantity} fenced by {@code token} of {@code lock}; refused when a newer token, or another lock, wrote. */
  Future<Write> write(String sku, int quantity, long token, String lock) {
    return run(InventorySql.FENCED_WRITE, Tuple.of(sku, quantity, token, lock)).compose(rows -> {
      if (rows.size() == 1) {
        return Future.succeededFuture(new Write(true, json(rows.iterator().next())));
      }
      return row(sku).map(current -> new Write(false, current));
    });
  }

  /** The row of {@code sku}, or {@code null}. */
  Future<JsonObject> row(String sku) {
    return run(InventorySql.ROW, Tuple.of(sku)).map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  private Future<RowSet<Row>> run(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).recover(err -> {
      if (err instanceof PgException && UNDEFINED_TABLE.equals(((PgException) err).getSqlState())) {
        return Future.failedFuture(Failure.unavailable("the inventory table does not exist: run storefront db init", 30));
      }
      if (err instanceof PgException) {
        return Future.failedFuture(err); // a bug of ours: the error handler logs it and answers 500
      }
      LOG.debug("inventory query failed: {}", err.toString());
      return Future.failedFuture(Failure.unavailable("the inventory database is not reachable right now; try again shortly", 1));
    });
  }

  static JsonObject json(Row row) {
    return new JsonObject().put("sku", row.getString(0)).put("quantity", row.getInteger(1))
        .put("fence", row.getLong(2)).put("lock", row.getString(3));
  }
}
