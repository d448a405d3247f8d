package dev.storefront.db;

import dev.storefront.config.Settings;
import dev.storefront.cluster.FreePorts;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The embedded PostgreSQL that makes Storefront work on a machine with none: its data directory persists under
 * {@code db.embeddedDir} across runs (the catalog is loaded once), it listens on loopback only, and it stops with
 * {@link #close()} (and with the JVM).
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;
  private final DatabaseUrl url;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
    this.url = new DatabaseUrl("127.0.0.1", postgres.getPort(), "postgres", "postgres", "");
  }

  public static EmbeddedDatabase start(Settings settings) {
    Path dir = Path.of(settings.string("db.embeddedDir")).toAbsolutePath();
    int port = settings.integer("db.embeddedPort");
    try {
      Files.createDirectories(dir.getParent());
      Path work = dir.resolveSibling(dir.getFileName() + "-bin");
      Files.createDirectories(work);
      LOG.info("starting embedded PostgreSQL in {}", dir);
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setOverrideWorkingDirectory(work.toFile())
          .setPort(port == 0 ? FreePorts.any() : port)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("max_connections", "300")
          .setServerConfig("fsync", "off")
          .start();
      return new EmbeddedDatabase(pg);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
    }
  }

  public DatabaseUrl url() {
    return url;
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }
}
