package dev.storefront.jobs;

import dev.storefront.config.Settings;
import dev.storefront.db.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** The node's shared PostgreSQL pool for feedback jobs ({@code db.url}, {@code db.poolSize}), created on first use. */
final class JobsDb {

  private JobsDb() {
  }

  static Pool pool(Vertx vertx, Settings settings) {
    String url = settings.string("db.url");
    if (url.isBlank()) {
      throw new IllegalStateException("feedback jobs need a database: db.url is not set");
    }
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(settings.integer("db.poolSize")).setShared(true).setName("storefront-jobs"))
        .connectingTo(DatabaseUrl.parse(url).connectOptions())
        .using(vertx)
        .build();
  }
}
