package dev.storefront.testing;

import dev.storefront.cluster.FreePorts;
import dev.storefront.db.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An embedded PostgreSQL that a test owns and may stop and start again: a fixed data directory (kept across
 * restarts) and a fixed port, so that clients reconnect to the same address and find the same rows. Get one from
 * {@link TestDatabase#restartable(Path)}; {@link #close()} stops it for good.
 */
public final class RestartablePostgres implements AutoCloseable {

  private final EmbeddedPostgres.Builder builder;
  private final DatabaseUrl url;
  private EmbeddedPostgres running;

  RestartablePostgres(Path dataDir) {
    int port = FreePorts.any();
    this.builder = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).setPort(port)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("listen_addresses", "127.0.0.1").setServerConfig("fsync", "off");
    this.url = new DatabaseUrl("127.0.0.1", port, "postgres", "postgres", "");
    start();
  }

  /** The server's maintenance database. */
  public DatabaseUrl url() {
    return url;
  }

  /** Starts the server (again) on its port and data directory; returns once it accepts connections. */
  public synchronized void start() {
    if (running == null) {
      try {
        running = builder.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the test's own PostgreSQL", e);
      }
    }
  }

  /** Stops the server (pg_ctl stop in fast mode: client connections are ended) and returns once it has stopped. */
  public synchronized void stop() {
    if (running != null) {
      try {
        running.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot stop the test's own PostgreSQL", e);
      } finally {
        running = null;
      }
    }
  }

  @Override
  public void close() {
    stop();
  }
}
