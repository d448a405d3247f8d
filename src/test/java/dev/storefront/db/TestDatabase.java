package dev.storefront.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The real PostgreSQL the tests use: the one of {@code STOREFRONT_TEST_DB_URL} when set (CI points it at the
 * machine's server), otherwise an embedded one started once per test JVM. Each test class gets a fresh database
 * of its own name, so classes never see each other's rows.
 */
public final class TestDatabase {

  public static final String ENV = "STOREFRONT_TEST_DB_URL";
  private static DatabaseUrl server;
  private static EmbeddedPostgres embedded;

  private TestDatabase() {
  }

  /** The server (its maintenance database). */
  public static synchronized DatabaseUrl server() {
    if (server == null) {
      String url = System.getenv(ENV);
      if (url != null && !url.isBlank()) {
        server = DatabaseUrl.parse(url);
      } else {
        try {
          Path dir = Files.createTempDirectory("storefront-test-pg");
          embedded = EmbeddedPostgres.builder().setCleanDataDirectory(true).setDataDirectory(dir)
              .setServerConfig("fsync", "off").start();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        server = new DatabaseUrl("127.0.0.1", embedded.getPort(), "postgres", "postgres", "");
      }
    }
    return server;
  }

  /** A new empty database (dropped first if a previous run left it). */
  public static DatabaseUrl fresh(String name) {
    DatabaseUrl admin = server();
    try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
         Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
    }
    return admin.withDatabase(name);
  }

  /** A new database with the schema and the sample data. */
  public static DatabaseUrl withSampleData(String name) {
    DatabaseUrl url = fresh(name);
    DbInit.run(url);
    return url;
  }

  /** Runs one statement (test set-up and checks). */
  public static long queryLong(DatabaseUrl url, String sql) {
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
         Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  public static void execute(DatabaseUrl url, String sql) {
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
         Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }
}
