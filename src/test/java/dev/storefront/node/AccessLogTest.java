package dev.storefront.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.storefront.cluster.FreePorts;
import dev.storefront.config.Settings;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.http.AccessLog;
import dev.storefront.testing.Await;
import dev.storefront.testing.Http;
import dev.storefront.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** http.accessLog=true: one line per request with method, the contract's route pattern, status, duration and node. */
@Tag("database")
class AccessLogTest {

  private static Vertx vertx;
  private static Http http;
  private static final ListAppender<ILoggingEvent> LINES = new ListAppender<>();

  @BeforeAll
  static void deploy() throws Exception {
    DatabaseUrl db = TestDatabase.withOneProduct("sf_access_log_test", 2);
    int port = FreePorts.any();
    LINES.start();
    Logger access = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
    access.setLevel(Level.INFO); // the tests' logback configuration logs warnings only
    access.addAppender(LINES);
    vertx = Vertx.vertx();
    Settings settings = Settings.defaults().with("db.url", db.uri()).with("http.port", port).with("http.accessLog", true)
        .with("metrics.enabled", false);
    Await.await(vertx.deployVerticle(() -> new HttpVerticle((router, s) -> { }, () -> { }),
        new DeploymentOptions().setConfig(settings.toJson())));
    http = new Http(port);
  }

  @AfterAll
  static void close() {
    Logger access = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
    access.detachAppender(LINES);
    access.setLevel(null);
    Await.await(vertx.close());
  }

  @Test
  @DisplayName("the hot product route, a 404 and a path the API lacks are each logged once with their route pattern")
  void logsEveryRequest() {
    assertEquals(200, http.get("/products/100").statusCode());
    assertEquals(404, http.get("/products/999").statusCode());
    assertEquals(404, http.get("/no/such/path").statusCode());
    assertTrue(Await.eventually(Duration.ofSeconds(5), () -> lines().size() >= 3), "lines: " + lines());
    List<String> lines = lines();
    assertEquals(3, lines.size(), lines.toString());
    assertTrue(lines.get(0).matches("GET /products/\\{id} 200 [0-9.]+ ms \\S+"), lines.get(0));
    assertTrue(lines.get(1).startsWith("GET /products/{id} 404 "), lines.get(1));
    assertTrue(lines.get(2).startsWith("GET - 404 "), lines.get(2));
  }

  private static List<String> lines() {
    synchronized (LINES) {
      return LINES.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }
}
