package dev.storefront.db;

import dev.storefront.config.Settings;

/**
 * The database a command uses: the external one of {@code db.url}, or an embedded one started for the life of
 * this handle (then initialised with the schema and sample data on first start).
 */
public final class Database implements AutoCloseable {

  private final DatabaseUrl url;
  private final EmbeddedDatabase embedded;
  private final DbInit.Report initReport;

  private Database(DatabaseUrl url, EmbeddedDatabase embedded, DbInit.Report initReport) {
    this.url = url;
    this.embedded = embedded;
    this.initReport = initReport;
  }

  /** Connects to {@code db.url} or starts the embedded database (and runs {@code db init} on it). */
  public static Database open(Settings settings) {
    String configured = settings.string("db.url");
    if (!configured.isBlank()) {
      return new Database(DatabaseUrl.parse(configured), null, null);
    }
    EmbeddedDatabase embedded = EmbeddedDatabase.start(settings);
    try {
      return new Database(embedded.url(), embedded, DbInit.run(embedded.url()));
    } catch (RuntimeException e) {
      embedded.close();
      throw e;
    }
  }

  public DatabaseUrl url() {
    return url;
  }

  /** Runs {@code db init} unless opening the embedded database already did. */
  public DbInit.Report init() {
    return initReport != null ? initReport : DbInit.run(url);
  }

  public boolean embedded() {
    return embedded != null;
  }

  /** For start-up lines: the masked URL and whether it is the embedded one. */
  public String describe() {
    return url.display() + (embedded != null ? " (embedded)" : "");
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
