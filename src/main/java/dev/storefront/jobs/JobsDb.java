package dev.storefront.jobs;

import dev.storefront.config.Settings;
import dev.storefront.db.PgClientOptions;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;

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
        .with(PgClientOptions.pool(settings, settings.integer("db.poolSize")).setShared(true).setName("storefront-jobs"))
        .with(PgClientOptions.net(settings))
        .connectingTo(PgClientOptions.connect(settings))
        .using(vertx)
        .build();
  }
}
