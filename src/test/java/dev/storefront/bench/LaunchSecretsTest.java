package dev.storefront.bench;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The launcher of Storefront processes keeps database URLs off their command lines and masks what it logs. */
class LaunchSecretsTest {

  private static final String URL = "postgresql://app:pa%40ss-w0rd@10.0.0.5:5432/storefront";

  @Test
  @DisplayName("--db-url URL, --db-url=URL and --set db.url=URL leave the arguments for STOREFRONT_DB_URL in the environment")
  void urlGoesToEnvironment() {
    for (List<String> args : List.of(
        List.of("serve", "--db-url", URL, "--set", "cluster.name=x"),
        List.of("serve", "--db-url=" + URL, "--set", "cluster.name=x"),
        List.of("serve", "--set", "db.url=" + URL, "--set", "cluster.name=x"))) {
      StorefrontProcess.Launch launch = StorefrontProcess.Launch.of(args);
      assertEquals(List.of("serve", "--set", "cluster.name=x"), launch.args(), args.toString());
      assertEquals(Map.of("STOREFRONT_DB_URL", URL), launch.env(), args.toString());
    }
    StorefrontProcess.Launch none = StorefrontProcess.Launch.of(List.of("serve", "--processes", "2"));
    assertEquals(List.of("serve", "--processes", "2"), none.args());
    assertEquals(Map.of(), none.env());
  }

  @Test
  @DisplayName("a command printed by the launcher shows every URL's password as ***, and leaves other words as they are")
  void printedCommandIsMasked() {
    List<String> shown = StorefrontProcess.masked(List.of("java", "-jar", "s.jar", URL, "db.url=" + URL,
        "http://127.0.0.1:8080/products/{id}", "--set", "cluster.name=a:b@c"));
    assertEquals(List.of("java", "-jar", "s.jar", "postgresql://app:***@10.0.0.5:5432/storefront",
        "db.url=postgresql://app:***@10.0.0.5:5432/storefront", "http://127.0.0.1:8080/products/{id}", "--set",
        "cluster.name=a:b@c"), shown);
    assertFalse(String.join(" ", shown).contains("w0rd"));
  }

  @Test
  @DisplayName("a bench queries plan prints its URL masked")
  void planIsMasked() {
    String shown = new QueryBench.Plan(URL, 1, 1, 1, 100, 0, 0, 1000).toString();
    assertFalse(shown.contains("w0rd"), shown);
  }
}
