package dev.storefront.jobs;

import dev.storefront.config.Settings;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.testing.Await;
import dev.storefront.testing.Http;
import dev.storefront.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Word counts over customer feedback in a real PostgreSQL, against the same count done in SQL. */
@Tag("database")
class FeedbackJobTest {

  /** The tokenizer's rule in SQL: lower-case, split on non-letters but apostrophes, trim apostrophes. */
  private static final String SQL_WORDS = "SELECT w, count(*) FROM (SELECT btrim(w, '''') AS w FROM customer_feedback, "
      + "regexp_split_to_table(lower(replace(body, '\u2019', '''')), '[^[:alpha:]'']+') AS w %s) t WHERE w <> '' GROUP BY w";

  private static DatabaseUrl db;
  private static Vertx vertx;
  private static int port;
  private static Http http;

  @BeforeAll
  static void start() throws IOException {
    db = TestDatabase.fresh("sf_jobs_test");
    try (InputStream schema = FeedbackJobTest.class.getResourceAsStream("/db/schema.sql")) {
      TestDatabase.execute(db, new String(schema.readAllBytes(), StandardCharsets.UTF_8));
    }
    TestDatabase.execute(db, "INSERT INTO brand (brand_name) VALUES ('Acme')");
    TestDatabase.execute(db, "INSERT INTO product (product_name, brand_id) SELECT 'Shoe ' || g, 1 FROM generate_series(1, 5) g");
    TestDatabase.execute(db, "INSERT INTO customer_feedback (product_id, body) SELECT 1 + g % 5, "
        + "(ARRAY['Great shoes!!! Don''t buy if you''re tall.', 'Terrible. 2/10, would not buy again', "
        + "'''Quoted'' words and rock''n''roll — it\u2019s fine', 'Café crème, très bien; ÜBER gut', "
        + "'ok', '', '日本語 のレビュー great GREAT'])[1 + (g * 7) % 7] || ' ' || 'w' || (g % 97) "
        + "FROM generate_series(1, 6000) g");
    vertx = Vertx.vertx();
    Settings settings = Settings.defaults().with("db.url", db.uri()).with("jobs.workersPerNode", 2);
    port = JobsTesting.serve(vertx, settings);
    http = new Http(port);
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static Map<String, Long> sqlCount(String where) {
    Map<String, Long> counts = new HashMap<>();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         Statement st = c.createStatement(); ResultSet rs = st.executeQuery(String.format(SQL_WORDS, where))) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return counts;
  }

  private static long runJob(JsonObject source, long partitionRows) {
    HttpResponse<String> r = http.send("POST", "/jobs", new JsonObject().put("source", source).put("partitionRows", partitionRows).encode());
    assertEquals(202, r.statusCode(), r.body());
    long id = Http.json(r).getLong("id");
    assertTrue(Await.eventually(Duration.ofSeconds(60), () -> "succeeded".equals(Http.json(http.get("/jobs/" + id)).getString("state"))),
        http.get("/jobs/" + id).body());
    return id;
  }

  private static void assertMatches(Map<String, Long> expected, long id) {
    WordCountResult r = JobService.of(vertx).localResult(id);
    assertEquals(expected.size(), r.distinctWords(), "distinct words");
    expected.forEach((w, n) -> assertEquals(n.longValue(), r.count(w), "count of '" + w + "'"));
  }

  @Test
  @DisplayName("a feedback job over all rows matches the count done in SQL, over several key-range partitions")
  void allFeedback() {
    long id = runJob(new JsonObject().put("type", "feedback"), 500);
    JsonObject state = Http.json(http.get("/jobs/" + id));
    assertEquals(12, state.getInteger("total"), state.encode());
    assertEquals(6000, state.getLong("lines"));
    assertMatches(sqlCount(""), id);
  }

  @Test
  @DisplayName("the job bench scaling times, all feedback with automatic partitions, runs to success through JobApiClient")
  void benchScalingJob() throws Exception {
    JsonObject request = new JsonObject().put("source", new JsonObject().put("type", "feedback")); // as bench scaling sends it
    JsonObject end = new JobApiClient("http://127.0.0.1:" + port).run(request, s -> { });
    assertEquals("succeeded", end.getString("state"), end.encode());
    assertEquals(6000, end.getLong("lines"));
    assertMatches(sqlCount(""), end.getLong("id"));
  }

  @Test
  @DisplayName("a feedback job for one product counts only that product's rows")
  void oneProduct() {
    long id = runJob(new JsonObject().put("type", "feedback").put("productId", 3), 0);
    assertEquals(1200, Http.json(http.get("/jobs/" + id)).getLong("lines"));
    assertMatches(sqlCount("WHERE product_id = 3"), id);
  }

  @Test
  @DisplayName("a feedback job for a product without feedback succeeds with no words")
  void noRows() {
    long id = runJob(new JsonObject().put("type", "feedback").put("productId", 999), 0);
    JsonObject state = Http.json(http.get("/jobs/" + id));
    assertEquals(0, state.getLong("distinctWords"));
    assertEquals(0, state.getInteger("total"));
  }
}
