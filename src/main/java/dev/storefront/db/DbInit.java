package dev.storefront.db;

import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code db init}: creates what is missing of the schema and loads the sample data into empty tables only, in one
 * transaction under an advisory lock (so concurrent runs never duplicate). Uses JDBC COPY: this is an admin
 * command run before or beside the service, never on an event loop.
 */
public final class DbInit {

  private static final Logger LOG = LoggerFactory.getLogger(DbInit.class);
  private static final long ADVISORY_LOCK = 0x5f0_0001L;

  /** Table, COPY statement, row source, and serial sequence to move past the loaded ids: in FK order. */
  private record Load(String table, String copy, Consumer<Consumer<String>> rows, String idColumn) {
  }

  private static final Load[] LOADS = {
      new Load("brand", "COPY brand (brand_id, brand_name) FROM STDIN", SampleData::brands, "brand_id"),
      new Load("product", "COPY product (product_id, product_name, brand_id) FROM STDIN", SampleData::products, "product_id"),
      new Load("product_color", "COPY product_color (product_color_id, product_color_name) FROM STDIN", SampleData::colors, "product_color_id"),
      new Load("product_size", "COPY product_size (product_size_id, product_size_name) FROM STDIN", SampleData::sizes, "product_size_id"),
      new Load("sku", "COPY sku (sku_id, product_id, product_size_id, product_color_id) FROM STDIN", SampleData::skus, "sku_id"),
      new Load("customer_feedback", "COPY customer_feedback (feedback_id, product_id, body, created_at) FROM STDIN", SampleData::feedback, "feedback_id"),
  };

  /** Row counts per table after the run, and which tables this run loaded. */
  public record Report(Map<String, Long> counts, Map<String, Boolean> loaded, long millis) {
  }

  private DbInit() {
  }

  public static Report run(DatabaseUrl url) {
    long start = System.nanoTime();
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("SELECT pg_advisory_xact_lock(" + ADVISORY_LOCK + ")");
        st.execute(schemaSql());
      }
      Map<String, Boolean> loaded = new LinkedHashMap<>();
      CopyManager copy = new CopyManager(c.unwrap(BaseConnection.class));
      for (Load load : LOADS) {
        boolean empty = count(c, load.table) == 0;
        if (empty) {
          copyRows(copy, load);
          try (Statement st = c.createStatement()) {
            st.execute("SELECT setval(pg_get_serial_sequence('" + load.table + "', '" + load.idColumn + "'),"
                + " (SELECT max(" + load.idColumn + ") FROM " + load.table + "))");
          }
        }
        loaded.put(load.table, empty);
      }
      c.commit();
      try (Statement st = c.createStatement()) {
        c.setAutoCommit(true);
        if (loaded.containsValue(true)) {
          st.execute("ANALYZE");
        }
      }
      Map<String, Long> counts = new LinkedHashMap<>();
      for (Load load : LOADS) {
        counts.put(load.table, count(c, load.table));
      }
      Report report = new Report(counts, loaded, (System.nanoTime() - start) / 1_000_000);
      LOG.info("db init on {}: loaded {} in {} ms; rows {}", url.display(), loaded, report.millis, counts);
      return report;
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("db init failed on " + url.display() + ": " + e.getMessage(), e);
    }
  }

  private static void copyRows(CopyManager copy, Load load) throws SQLException {
    CopyIn in = copy.copyIn(load.copy);
    try {
      StringBuilder chunk = new StringBuilder(1 << 16);
      load.rows.accept(row -> {
        chunk.append(row).append('\n');
        if (chunk.length() > (1 << 16) - 512) {
          write(in, chunk);
        }
      });
      write(in, chunk);
      in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  private static void write(CopyIn in, StringBuilder chunk) {
    byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
    try {
      in.writeToCopy(bytes, 0, bytes.length);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    chunk.setLength(0);
  }

  private static long count(Connection c, String table) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String schemaSql() throws IOException {
    try (InputStream in = DbInit.class.getResourceAsStream("/db/schema.sql")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
