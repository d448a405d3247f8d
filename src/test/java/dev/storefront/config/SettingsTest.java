package dev.storefront.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {

  @TempDir
  Path dir;

  private Path file(String json) throws Exception {
    Path f = dir.resolve("s.json");
    Files.writeString(f, json);
    return f;
  }

  @Test
  @DisplayName("precedence: defaults < settings file < environment < command-line flags")
  void precedence() throws Exception {
    Path f = file("{\"http\": {\"port\": 9001, \"maxBodyBytes\": 2048}, \"db\": {\"poolSize\": 7}}");
    Settings s = Settings.load(f, Map.of("STOREFRONT_HTTP_PORT", "9002", "STOREFRONT_DB_POOL_SIZE", "9"),
        Map.of("http.port", "9003"));
    assertEquals(9003, s.integer("http.port"));
    assertEquals(9, s.integer("db.poolSize"));
    assertEquals(2048, s.integer("http.maxBodyBytes"));
    assertEquals("per-event-loop", s.string("db.layout"));
    assertEquals(9002, Settings.load(f, Map.of("STOREFRONT_HTTP_PORT", "9002"), Map.of()).integer("http.port"));
    assertEquals(9001, Settings.load(f, Map.of(), Map.of()).integer("http.port"));
  }

  @Test
  @DisplayName("unknown settings stop start-up with a message naming them, from every layer")
  void unknown() throws Exception {
    SettingsException e = assertThrows(SettingsException.class,
        () -> Settings.load(file("{\"http\": {\"prot\": 1}}"), Map.of(), Map.of()));
    assertTrue(e.getMessage().contains("http.prot"), e.getMessage());
    e = assertThrows(SettingsException.class, () -> Settings.load(null, Map.of("STOREFRONT_HTTP_PROT", "1"), Map.of()));
    assertTrue(e.getMessage().contains("STOREFRONT_HTTP_PROT"), e.getMessage());
    e = assertThrows(SettingsException.class, () -> Settings.load(null, Map.of(), Map.of("nope.key", "1")));
    assertTrue(e.getMessage().contains("nope.key"), e.getMessage());
    // the tests' own variables are not settings
    Settings.load(null, Map.of("STOREFRONT_TEST_DB_URL", "postgresql://x/y"), Map.of());
  }

  @Test
  @DisplayName("invalid values stop start-up with a message naming the setting and the problem")
  void invalid() throws Exception {
    assertThrows(SettingsException.class, () -> Settings.load(null, Map.of("STOREFRONT_HTTP_PORT", "eighty"), Map.of()),
        "STOREFRONT_HTTP_PORT");
    SettingsException e = assertThrows(SettingsException.class, () -> Settings.load(null, Map.of(), Map.of("http.port", "70000")));
    assertTrue(e.getMessage().contains("http.port") && e.getMessage().contains("65535"), e.getMessage());
    e = assertThrows(SettingsException.class, () -> Settings.load(null, Map.of(), Map.of("db.layout", "shared")));
    assertTrue(e.getMessage().contains("db.layout"), e.getMessage());
    e = assertThrows(SettingsException.class, () -> Settings.load(file("{\"db\": {\"failFast\": \"yes\"}}"), Map.of(), Map.of()));
    assertTrue(e.getMessage().contains("db.failFast"), e.getMessage());
    e = assertThrows(SettingsException.class, () -> Settings.load(file("{not json"), Map.of(), Map.of()));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @Test
  @DisplayName("config/storefront.json holds every setting with its built-in default")
  void shippedFileMatchesDefaults() throws Exception {
    JsonObject shipped = new JsonObject(Files.readString(Path.of("config", "storefront.json")));
    shipped.remove("_comment");
    assertEquals(SettingsSchema.defaults(), shipped);
  }

  @Test
  @DisplayName("README documents every setting and its environment variable")
  void readmeDocumentsEverySetting() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (SettingsSchema.Key k : SettingsSchema.keys()) {
      assertTrue(readme.contains("`" + k.dotted() + "`"), "README lacks " + k.dotted());
      assertTrue(readme.contains(k.envName()), "README lacks " + k.envName());
    }
  }
}
