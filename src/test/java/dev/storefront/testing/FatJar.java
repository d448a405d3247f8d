package dev.storefront.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The fat jar the integration tests start: failsafe names it (system property {@code storefront.jar}) and runs after package. */
public final class FatJar {

  public static final String PROPERTY = "storefront.jar";

  private FatJar() {
  }

  /** The built fat jar; fails when it is missing (the test runs without {@code mvn package} before it). */
  public static Path path() {
    Path jar = Path.of(System.getProperty(PROPERTY, "target/storefront.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("the fat jar is needed (mvn -B verify builds it before the *IT tests): " + jar);
    }
    return jar;
  }
}
