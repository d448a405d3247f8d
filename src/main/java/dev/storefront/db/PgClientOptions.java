package dev.storefront.db;

import dev.storefront.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.PoolOptions;

import java.util.concurrent.TimeUnit;

/**
 * The options of every Vert.x PostgreSQL connection and pool a node opens, from the {@code db.*} settings, so that no
 * wait is unbounded:
 * <ul>
 *   <li>{@code statement_timeout} ({@code db.statementTimeoutMs}) is sent in the startup message: PostgreSQL itself
 *   cancels a statement that runs longer (SQLSTATE 57014) and the connection stays usable; the Vert.x client has no
 *   per-query timeout of its own;</li>
 *   <li>connecting gives up after {@code db.connectTimeoutMs} (Netty's default is 60 s), and so does waiting for a
 *   pooled connection (the pool's default is 30 s);</li>
 *   <li>a pool queues at most {@code db.maxWaitQueueSize} requests for a connection (the default, -1, is unbounded);
 *   past it a request fails at once.</li>
 * </ul>
 * Connections name themselves {@code application_name=storefront} in {@code pg_stat_activity}.
 */
public final class PgClientOptions {

  public static final String APPLICATION_NAME = "storefront";

  private PgClientOptions() {
  }

  /** Connect options for {@code db.url} with the timeouts above. */
  public static PgConnectOptions connect(Settings settings) {
    PgConnectOptions options = DatabaseUrl.parse(settings.string("db.url")).connectOptions();
    options.addProperty("application_name", APPLICATION_NAME); // added to the client's defaults, not replacing them
    int statementTimeoutMs = settings.integer("db.statementTimeoutMs");
    if (statementTimeoutMs > 0) {
      options.addProperty("statement_timeout", String.valueOf(statementTimeoutMs));
    }
    return options;
  }

  /** Network options of a pool: connecting gives up after {@code db.connectTimeoutMs}. */
  public static NetClientOptions net(Settings settings) {
    return new NetClientOptions().setConnectTimeout(settings.integer("db.connectTimeoutMs"));
  }

  /**
   * One connection (the per-event-loop layout), given up after {@code db.connectTimeoutMs}; one that succeeds after that
   * is closed ({@code PgConnection.connect} takes no network options).
   */
  public static Future<PgConnection> connectWithin(Vertx vertx, PgConnectOptions options, Settings settings) {
    Future<PgConnection> attempt = PgConnection.connect(vertx, options);
    Future<PgConnection> bounded = attempt.timeout(settings.integer("db.connectTimeoutMs"), TimeUnit.MILLISECONDS);
    bounded.onFailure(late -> attempt.onSuccess(PgConnection::close));
    return bounded;
  }

  /** Pool options for {@code maxSize} connections with a bounded wait queue and connection wait. */
  public static PoolOptions pool(Settings settings, int maxSize) {
    return new PoolOptions()
        .setMaxSize(maxSize)
        .setMaxWaitQueueSize(settings.integer("db.maxWaitQueueSize"))
        .setConnectionTimeout(settings.integer("db.connectTimeoutMs"))
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  /** Whether {@code error} is PostgreSQL cancelling a statement that ran past {@code statement_timeout}. */
  public static boolean isStatementTimeout(Throwable error) {
    return error instanceof io.vertx.pgclient.PgException
        && "57014".equals(((io.vertx.pgclient.PgException) error).getSqlState());
  }
}
