package dev.storefront.catalog;

import dev.storefront.config.Settings;
import dev.storefront.db.PgClientOptions;
import dev.storefront.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The catalog's queries, for one event loop. Owned by one HTTP verticle and used only on its event loop, so no
 * synchronisation. Layout {@code per-event-loop}: {@code db.connectionsPerEventLoop} pipelined connections owned
 * by this verticle, statements prepared when each connects, reconnected in the background when lost. Layout
 * {@code pool}: a pool of that size (the usual Vert.x way, for comparison). Connect options, statement timeout and
 * the pool's bounded wait queue come from {@link PgClientOptions}. Any failure to reach PostgreSQL, a statement that
 * PostgreSQL cancelled at {@code db.statementTimeoutMs}, a full wait queue, becomes a 503 with {@code Retry-After};
 * a query without any answer a second past {@code db.statementTimeoutMs} (a black-holed server) is a 503 too, and
 * its connection is closed and re-established.
 */
public final class ProductRepository {

  private static final Logger LOG = LoggerFactory.getLogger(ProductRepository.class);
  private static final long ANSWER_GRACE_MS = 1000;
  private static final List<String> STATEMENTS = List.of(
      CatalogSql.PRODUCT_WITH_SKUS, CatalogSql.PRODUCT_HEADER, CatalogSql.PRODUCTS_PAGE, CatalogSql.PRODUCTS_PAGE_OF_BRAND,
      CatalogSql.BRANDS, CatalogSql.BRAND, CatalogSql.PING);

  private final Vertx vertx;
  private final PgConnectOptions connectOptions;
  private final PoolOptions poolOptions;
  private final Settings settings;
  private final boolean pooled;
  private final int size;
  private final boolean failFast;
  private final long reconnectMs;
  private final long answerDeadlineMs;
  private final SqlClient[] clients;
  private final BrandNames brandNames;
  private int next;
  private boolean closed;

  public ProductRepository(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.connectOptions = PgClientOptions.connect(settings)
        .setPipeliningLimit(settings.integer("db.pipeliningLimit"))
        .setReconnectAttempts(0);
    this.pooled = "pool".equals(settings.string("db.layout"));
    this.size = settings.integer("db.connectionsPerEventLoop");
    this.poolOptions = PgClientOptions.pool(settings, size);
    this.settings = settings;
    this.failFast = settings.bool("db.failFast");
    this.reconnectMs = settings.integer("db.reconnectIntervalMs");
    int statementTimeoutMs = settings.integer("db.statementTimeoutMs");
    // PostgreSQL cancels a statement at statement_timeout and says so; no word a second after that means no server
    this.answerDeadlineMs = statementTimeoutMs > 0 ? statementTimeoutMs + ANSWER_GRACE_MS : 0;
    this.clients = new SqlClient[pooled ? 1 : size];
    this.brandNames = new BrandNames(this::brandRows, settings.integer("catalog.brandCacheSeconds"));
  }

  private Future<RowSet<Row>> brandRows(Integer brandId) {
    return brandId == null ? brands() : brand(brandId);
  }

  /** Connects and prepares every statement; fails only when fail-fast was asked for. */
  public Future<Void> start() {
    if (pooled) {
      clients[0] = PgBuilder.pool()
          .with(poolOptions)
          .with(PgClientOptions.net(settings))
          .connectingTo(connectOptions)
          .using(vertx)
          .build();
      Future<Void> warm = clients[0].preparedQuery(CatalogSql.PING).execute().mapEmpty();
      return failFast ? warm.recover(err -> Future.failedFuture(unreachable(err))) : warm.otherwiseEmpty().mapEmpty();
    }
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < clients.length; i++) {
      all.add(connect(i));
    }
    Future<Void> joined = Future.all(all).mapEmpty();
    if (failFast) {
      return joined.recover(err -> Future.failedFuture(unreachable(err)));
    }
    return joined.recover(err -> {
      LOG.warn("PostgreSQL unreachable at start ({}): serving 503 until it answers", err.getMessage());
      return Future.succeededFuture();
    });
  }

  /** With db.failFast: the one line a user reads when PostgreSQL does not answer at start. */
  private IllegalStateException unreachable(Throwable err) {
    return new IllegalStateException("PostgreSQL at " + connectOptions.getHost() + ":" + connectOptions.getPort()
        + " does not answer and db.failFast is on: " + err.getMessage());
  }

  private Future<Void> connect(int slot) {
    return PgClientOptions.connectWithin(vertx, connectOptions, settings)
        .compose(conn -> prepareAll(conn).map(v -> conn).onFailure(err -> conn.close()))
        .onSuccess(conn -> {
          if (closed) {
            conn.close();
            return;
          }
          clients[slot] = conn;
          conn.exceptionHandler(err -> LOG.debug("connection {}: {}", slot, err.toString()));
          conn.closeHandler(v -> {
            clients[slot] = null;
            if (!closed) {
              LOG.warn("connection {} to PostgreSQL lost; reconnecting", slot);
              scheduleReconnect(slot);
            }
          });
        })
        .onFailure(err -> {
          if (!closed && !failFast) {
            scheduleReconnect(slot);
          }
        })
        .mapEmpty();
  }

  private void scheduleReconnect(int slot) {
    vertx.setTimer(reconnectMs, id -> {
      if (!closed && clients[slot] == null) {
        connect(slot).onFailure(err -> LOG.debug("reconnect {} failed: {}", slot, err.getMessage()));
      }
    });
  }

  /** Prepares every statement on a new connection: a schema problem fails here, not at the first request. */
  private static Future<Void> prepareAll(PgConnection conn) {
    List<Future<?>> prepared = new ArrayList<>();
    for (String sql : STATEMENTS) {
      prepared.add(conn.prepare(sql));
    }
    return Future.all(prepared).mapEmpty();
  }

  /** The next usable client, round robin; a 503 when none is connected. */
  private SqlClient client() {
    SqlClient[] cs = clients;
    for (int i = 0; i < cs.length; i++) {
      int slot = next++ % cs.length;
      if (next == Integer.MAX_VALUE) {
        next = 0;
      }
      SqlClient c = cs[slot];
      if (c != null) {
        return c;
      }
    }
    throw unavailable();
  }

  private Future<RowSet<Row>> run(String sql, Tuple args) {
    SqlClient c;
    try {
      c = client();
    } catch (Failure e) {
      return Future.failedFuture(e);
    }
    Future<RowSet<Row>> query = c.preparedQuery(sql).execute(args);
    if (answerDeadlineMs > 0) {
      query = query.timeout(answerDeadlineMs, TimeUnit.MILLISECONDS);
    }
    return query.recover(err -> {
      LOG.debug("query failed: {}", err.toString());
      if (err instanceof TimeoutException) {
        silent(c);
        return Future.failedFuture(Failure.unavailable("the product database did not answer; try again shortly", 1));
      }
      return Future.failedFuture(PgClientOptions.isStatementTimeout(err)
          ? Failure.unavailable("the product database did not answer within db.statementTimeoutMs; try again shortly", 1)
          : unavailable());
    });
  }

  /**
   * A query got no answer at all, not even PostgreSQL's own cancellation at {@code statement_timeout}: the server or
   * the network in between is gone without a word (a black hole; TCP would take minutes to notice). An owned
   * connection is closed, which fails what is queued on it at once and reconnects in the background; a pool's
   * connections are the pool's to manage.
   */
  private void silent(SqlClient c) {
    if (!pooled) {
      LOG.warn("PostgreSQL gave no answer within {} ms on a connection: closing it and reconnecting", answerDeadlineMs);
      c.close();
    }
  }

  private static Failure unavailable() {
    return Failure.unavailable("the product database is not reachable right now; try again shortly", 1);
  }

  /**
   * The rows of {@link CatalogSql#PRODUCT_WITH_SKUS} (one per SKU); when it finds none, the rows
   * of {@link CatalogSql#PRODUCT_HEADER} (one row for a product without SKUs, none for an absent product).
   */
  public Future<RowSet<Row>> productDetail(int productId) {
    Tuple id = Tuple.of(productId);
    return run(CatalogSql.PRODUCT_WITH_SKUS, id)
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(rows) : run(CatalogSql.PRODUCT_HEADER, id));
  }

  /** A brand's name, from this event loop's cache of the (small, rarely changing) brand table. */
  public Future<String> brandName(int brandId) {
    return brandNames.name(brandId);
  }

  public Future<RowSet<Row>> productsPage(Integer brandId, int afterId, int limit) {
    return brandId == null
        ? run(CatalogSql.PRODUCTS_PAGE, Tuple.of(afterId, limit))
        : run(CatalogSql.PRODUCTS_PAGE_OF_BRAND, Tuple.of(brandId, afterId, limit));
  }

  public Future<RowSet<Row>> brands() {
    return run(CatalogSql.BRANDS, Tuple.tuple());
  }

  public Future<RowSet<Row>> brand(int brandId) {
    return run(CatalogSql.BRAND, Tuple.of(brandId));
  }

  /** Succeeds when PostgreSQL answers a trivial query. */
  public Future<Void> ping() {
    return run(CatalogSql.PING, Tuple.tuple()).mapEmpty();
  }

  public Future<Void> close() {
    closed = true;
    List<Future<Void>> all = new ArrayList<>();
    for (SqlClient c : clients) {
      if (c != null) {
        all.add(c.close());
      }
    }
    return Future.join(all).mapEmpty();
  }
}
